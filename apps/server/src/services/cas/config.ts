import { AppError } from '../../errors/app-error.js';
import { ATTRIBUTE_SOURCES } from '../saml-idp/config.js';
import { checkDeliveryUrl } from '../sso-protocols/urls.js';

/**
 * An application's CAS settings (`casConfig` of the vendor's create/update application),
 * validated and normalised; stored in the application's settings JSON.
 *
 * Service URLs receive service tickets, so they are registered like redirect URIs: exact strings
 * (`serviceUrls`). `servicePatterns` exist for services that put state in the path or query;
 * they are deliberately narrow (docs/cas.md): `https://host[:port]/path/*` — scheme, host and
 * port are literal, the single `*` stands only at the end and matches the rest of the path and
 * the query on that origin. No wildcard hosts, no regular expressions.
 */
export interface StoredCasConfig {
  serviceUrls: string[];
  servicePatterns: string[];
  /** Released attributes (OIDC claim names of the user); `user` is the user id. */
  attributes: string[];
  ticketTtlSeconds: number;
  /** What `<cas:user>` carries. */
  userIdSource: 'id' | 'username' | 'email';
}

export const DEFAULT_CAS_ATTRIBUTES = ['email', 'name', 'username', 'given_name', 'family_name'];
export const DEFAULT_TICKET_TTL_SECONDS = 10;

const bad = (field: string, reason: string) => new AppError('cas.invalid_config', { params: { field, reason } });
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const FIELDS = new Set(['serviceUrls', 'servicePatterns', 'attributes', 'ticketTtlSeconds', 'userIdSource']);

function pattern(v: unknown, field: string): string {
  if (typeof v !== 'string' || !v.endsWith('/*') || v.indexOf('*') !== v.length - 1) throw bad(field, 'must look like https://host/path/* (one * at the end, after a /)');
  const prefix = v.slice(0, -1);
  const r = checkDeliveryUrl(prefix);
  if ('reason' in r) throw bad(field, r.reason);
  if (r.url.search || prefix !== `${r.url.origin}${r.url.pathname}`) throw bad(field, 'must be a plain origin and path before the *');
  return v;
}

export function resolveCasConfig(input: unknown, prev: StoredCasConfig | undefined): StoredCasConfig {
  if (!isObj(input)) throw bad('casConfig', 'must be an object');
  for (const k of Object.keys(input)) if (!FIELDS.has(k)) throw bad(k, 'is not a casConfig field');
  const c: StoredCasConfig = prev ? { ...prev } : { serviceUrls: [], servicePatterns: [], attributes: [...DEFAULT_CAS_ATTRIBUTES], ticketTtlSeconds: DEFAULT_TICKET_TTL_SECONDS, userIdSource: 'id' };
  if (input.serviceUrls !== undefined) {
    if (!Array.isArray(input.serviceUrls) || input.serviceUrls.length > 50) throw bad('serviceUrls', 'must be a list of at most 50 URLs');
    c.serviceUrls = input.serviceUrls.map((u, i) => {
      const r = checkDeliveryUrl(u);
      if ('reason' in r) throw bad(`serviceUrls[${i}]`, r.reason);
      return u as string;
    });
  }
  if (input.servicePatterns !== undefined) {
    if (!Array.isArray(input.servicePatterns) || input.servicePatterns.length > 20) throw bad('servicePatterns', 'must be a list of at most 20 patterns');
    c.servicePatterns = input.servicePatterns.map((p, i) => pattern(p, `servicePatterns[${i}]`));
  }
  if (input.attributes !== undefined) {
    if (!Array.isArray(input.attributes) || input.attributes.length > 50) throw bad('attributes', 'must be a list of attribute names');
    for (const a of input.attributes) if (typeof a !== 'string' || !(ATTRIBUTE_SOURCES as readonly string[]).includes(a)) throw bad('attributes', `may only contain ${ATTRIBUTE_SOURCES.join(', ')}`);
    c.attributes = [...new Set(input.attributes as string[])];
  }
  if (input.ticketTtlSeconds !== undefined) {
    // CAS Protocol 3.0 §3.1.1 recommends no more than five minutes; 10 s (the default) is enough for a server-side validation.
    if (!Number.isInteger(input.ticketTtlSeconds) || (input.ticketTtlSeconds as number) < 1 || (input.ticketTtlSeconds as number) > 300) throw bad('ticketTtlSeconds', 'must be an integer from 1 to 300');
    c.ticketTtlSeconds = input.ticketTtlSeconds as number;
  }
  if (input.userIdSource !== undefined) {
    if (!['id', 'username', 'email'].includes(input.userIdSource as string)) throw bad('userIdSource', 'must be id, username or email');
    c.userIdSource = input.userIdSource as StoredCasConfig['userIdSource'];
  }
  if (c.serviceUrls.length === 0 && c.servicePatterns.length === 0) throw bad('serviceUrls', 'list at least one service URL');
  return c;
}

/**
 * Whether `service` may receive a ticket: an exact registered URL (CAS Protocol 3.0 §2.2.1 leaves
 * matching to the server; exact is the safe reading), or within a pattern's origin and path.
 */
export function serviceAllowed(c: StoredCasConfig, service: string): boolean {
  if (c.serviceUrls.includes(service)) return true;
  if (c.servicePatterns.length === 0) return false;
  const r = checkDeliveryUrl(service);
  if ('reason' in r) return false;
  // No dot segments, encoded or not, and no backslashes: the path must mean what it says.
  if (/(^|\/)\.\.?(\/|$)|%2e|%2f|%5c|\\/i.test(r.url.pathname) || /%2e|%2f|%5c/i.test(service.split('?')[0]!)) return false;
  const normalised = `${r.url.origin}${r.url.pathname}${r.url.search}`;
  if (normalised !== service) return false;
  return c.servicePatterns.some((p) => service.startsWith(p.slice(0, -1)));
}
