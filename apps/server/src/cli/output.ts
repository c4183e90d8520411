import { renderMessage } from '@gatehouse/contracts';
import { AppError } from '../errors/app-error.js';
import { ConfigError } from '../config/load.js';

/**
 * Exit statuses (docs/cli.md): 0 success; 1 the operation was refused or failed (a catalogued
 * error, an unreachable database); 2 usage error (unknown command or option, missing argument:
 * commander's own); 78 (EX_CONFIG, sysexits.h) bad configuration.
 */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_CONFIG = 78;

export const out = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

/** Progress and warnings: stderr, so stdout stays parseable. */
export const notice = (line: string): void => {
  process.stderr.write(`gatehouse: ${line}\n`);
};

export const printJson = (value: unknown): void => out(JSON.stringify(value, null, 2));

/** Tab-separated columns with a header line, for humans and `cut -f`. */
export function printTable(header: string[], rows: Array<Array<string | number>>): void {
  out(header.join('\t'));
  for (const r of rows) out(r.map((v) => String(v).replace(/[\t\n]/g, ' ')).join('\t'));
}

/** Aligned `label: value` lines for humans. */
export function printFields(fields: Array<[string, string | number | boolean | null | undefined]>): void {
  const shown = fields.filter(([, v]) => v !== undefined && v !== null && v !== '');
  const width = Math.max(...shown.map(([k]) => k.length));
  for (const [k, v] of shown) out(`${`${k}:`.padEnd(width + 2)}${String(v)}`);
}

/**
 * The one place CLI failures become text and an exit status. Expected failures (catalogued
 * errors, bad configuration) get a message and no stack; anything else is a bug or an
 * environment problem (database unreachable), shown with its message, and with the stack
 * only when GATEHOUSE_LOG_LEVEL is debug or trace.
 */
export function reportError(err: unknown): number {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    return EXIT_CONFIG;
  }
  if (err instanceof AppError) {
    let message = renderMessage(err.code, 'en', err.params);
    if (err.details?.length) message += ` ${err.details.map((d) => `${d.path}: ${d.message}`).join('; ')}`;
    process.stderr.write(`error: ${message} (${err.code}, apiCode ${err.apiCode})\n`);
    return EXIT_FAILURE;
  }
  const e = err as Error;
  const verbose = /^(debug|trace)$/.test(process.env.GATEHOUSE_LOG_LEVEL ?? '');
  process.stderr.write(`error: ${e?.message ?? String(err)}\n`);
  if (verbose && e?.stack) process.stderr.write(`${e.stack}\n`);
  else process.stderr.write('(set GATEHOUSE_LOG_LEVEL=debug for details)\n');
  return EXIT_FAILURE;
}
