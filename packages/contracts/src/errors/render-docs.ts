import { errorCatalog } from './catalog.js';

/** docs/errors.md, generated from the catalog so the two can never disagree (checked by a test). */
export function renderErrorDocs(): string {
  const rows = Object.entries(errorCatalog)
    .sort(([, a], [, b]) => a.apiCode - b.apiCode)
    .map(([code, d]) => `| ${d.apiCode} | \`${code}\` | ${d.status} | ${d.en} | ${d.zh} |`);
  return [
    '# Error codes',
    '',
    '<!-- Generated from packages/contracts/src/errors/areas/*.ts by `npm run docs:errors`; do not edit by hand. -->',
    '',
    'On `/api/*` every answer is HTTP 200 with `{statusCode, message, apiCode?, requestId, data}`: `statusCode` 200 means success,',
    'anything else is the error class below and `apiCode` says which error. Other surfaces (health, metrics, docs) use the real',
    'HTTP status and answer `{statusCode, error, apiCode, message, requestId, details?}`.',
    '',
    'Numbers from the GenAuth/Authing reference are reused where the meaning matches (1300–1306, 2004, 2005, 2006, 2011, 2224, 2333).',
    'Codes are frozen: a published code is never renumbered or removed (`packages/contracts/src/errors/lock/*.json`). Messages follow `x-authing-lang` /',
    '`Accept-Language` (`zh-CN` or English); `{placeholders}` are filled in with the offending field or value.',
    '',
    '| apiCode | code | statusCode | message (en) | message (zh-CN) |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
