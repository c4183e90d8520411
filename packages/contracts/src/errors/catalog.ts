/**
 * The one error catalog (design.md §5). Every error a client can see is here.
 *
 * - `apiCode` is the stable number Authing/GenAuth clients switch on. Reference numbers are
 *   reused where the meaning matches (docs-v3 `reference/error-code.md`: 1300–1306 request
 *   signing, 2004/2005/2006/2333 sign-in, 2011 app not found, 2224 pool not found). New codes
 *   live in area-prefixed 7-digit spaces: 100xxxx request, 130xxxx signing, 210xxxx users,
 *   224xxxx pools, 400xxxx applications, 410xxxx roles.
 * - `status` is the HTTP-like class: the real HTTP status on non-compat surfaces and the
 *   envelope `statusCode` on `/api/v3` (which itself always answers HTTP 200).
 * - `en` / `zh` are the client-safe messages. They never contain secrets or internals; the
 *   cause goes to the log only.
 *
 * Codes are frozen by the lock files in `lock/` and their test: never renumber or remove an entry.
 */
import type { ErrorDefinition } from './define.js';
import { coreErrors } from './areas/core.js';
import { engineErrors } from './areas/engine.js';
import { operationsErrors } from './areas/operations.js';
import { outboundErrors } from './areas/outbound.js';
import { availabilityErrors } from './areas/availability.js';
import { identifierErrors } from './areas/identifiers.js';
import { brandingErrors } from './areas/branding.js';
import { samlErrors } from './areas/saml.js';
import { casErrors } from './areas/cas.js';
import { directoryErrors } from './areas/directory.js';
import { pipelineErrors } from './areas/pipeline.js';
import { organizationErrors } from './areas/organizations.js';
import { federationErrors } from './areas/federation.js';
import { mfaErrors } from './areas/mfa.js';
import { webhookErrors } from './areas/webhooks.js';
import { customFieldErrors } from './areas/custom-fields.js';
import { consoleErrors } from './areas/console.js';
import { chinaErrors } from './areas/china.js';

export type { ErrorDefinition } from './define.js';

/**
 * The catalog is assembled from one file per area (`areas/<area>.ts`) so features add codes
 * without touching each other's lines. Each area has its own apiCode range (docs/architecture.md,
 * "Errors") and its own frozen lock file (`lock/<area>.json`).
 */
export const errorCatalog = {
  ...coreErrors,
  ...engineErrors,
  ...operationsErrors,
  ...outboundErrors,
  ...availabilityErrors,
  ...identifierErrors,
  ...brandingErrors,
  ...samlErrors,
  ...casErrors,
  ...directoryErrors,
  ...pipelineErrors,
  ...organizationErrors,
  ...federationErrors,
  ...mfaErrors,
  ...webhookErrors,
  ...customFieldErrors,
  ...consoleErrors,
  ...chinaErrors,
} satisfies Record<string, ErrorDefinition>;


export type ErrorCode = keyof typeof errorCatalog;

export const isErrorCode = (value: string): value is ErrorCode =>
  Object.prototype.hasOwnProperty.call(errorCatalog, value);

export type Lang = 'en' | 'zh';

/** Renders a catalogued message with `{placeholder}` values; unknown placeholders stay visible. */
export function renderMessage(code: ErrorCode, lang: Lang, params?: Record<string, string | number>): string {
  const template = errorCatalog[code][lang];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}
