import { AppError } from '../../errors/app-error.js';
import { unique } from './checks.js';
import { PROFILES, type AppType } from './vocabulary.js';

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);
const isLoopback = (hostname: string) => LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
/** Schemes a browser executes or reads locally instead of navigating to an app: refused everywhere, in any letter case. */
const DANGEROUS_SCHEME = /^\s*(javascript|data|vbscript|file|blob|about|filesystem)\s*:/i;

function badUri(raw: unknown, path: string, reason: string): AppError {
  const shown = typeof raw === 'string' ? (raw.length > 200 ? `${raw.slice(0, 200)}…` : raw) : String(raw);
  return new AppError('application.invalid_redirect_uri', { params: { uri: shown }, details: [{ path, message: reason }] });
}

/**
 * A redirect (or logout/initiate-login) URI an authorization server may send a browser to.
 * RFC 6749 §3.1.2: absolute, no fragment. Wildcards are refused: redirect URIs are compared as
 * exact strings (RFC 9700 §2.1, §4.1.3), so the value is stored exactly as given. https only,
 * except http on a loopback address and private-use schemes for native apps (RFC 8252 §7.1,
 * §7.3, §8.3). Whitespace and control characters are refused because URL parsers silently
 * drop them (`java\tscript:`).
 */
export function checkRedirectUri(raw: unknown, appType: string, path: string): string {
  if (typeof raw !== 'string' || raw.length === 0) throw badUri(raw, path, 'must be a non-empty string');
  if (raw.length > 2048) throw badUri(raw, path, 'is longer than 2048 characters');
  if (/[\s\u0000-\u001f\u007f]/.test(raw)) throw badUri(raw, path, 'must not contain whitespace or control characters');
  if (DANGEROUS_SCHEME.test(raw)) throw badUri(raw, path, 'this URI scheme is never allowed');
  if (raw.includes('#')) throw badUri(raw, path, 'must not contain a fragment (RFC 6749 §3.1.2)');
  if (raw.includes('*')) throw badUri(raw, path, 'wildcards are not allowed; register each URI exactly');
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(raw)) throw badUri(raw, path, 'must be an absolute URI with a scheme');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badUri(raw, path, 'is not a valid absolute URI');
  }
  if (url.username || url.password) throw badUri(raw, path, 'must not contain user credentials');
  if (url.protocol === 'https:') return raw;
  if (url.protocol === 'http:') {
    if (isLoopback(url.hostname)) return raw;
    throw badUri(raw, path, 'http is only allowed on a loopback address (RFC 8252 §7.3); use https');
  }
  if (PROFILES[appType as AppType] === 'native') return raw;
  throw badUri(raw, path, 'custom URI schemes are only allowed for native apps (RFC 8252 §7.1)');
}

export function checkUriList(list: unknown, appType: string, path: string): string[] {
  if (!Array.isArray(list)) throw badUri(list, path, 'must be an array of URIs');
  return unique(list.map((u, i) => checkRedirectUri(u, appType, `${path}[${i}]`)));
}

export const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
