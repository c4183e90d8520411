import { isIP } from 'node:net';

/**
 * Where SAML assertions and CAS tickets may be sent. These addresses receive a signed statement
 * about the user, so they are registered exactly (RFC 9700 §2.1 applies to them as to OAuth
 * redirect URIs): `https://`, or `http://` on a loopback address for development only; no user
 * information, no fragment.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1';
  return false;
}

/** The parsed URL when acceptable as an assertion or ticket destination, else a reason. */
export function checkDeliveryUrl(value: unknown): { url: URL } | { reason: string } {
  if (typeof value !== 'string' || value.length === 0) return { reason: 'must be a URL' };
  if (value.length > 2048) return { reason: 'is longer than 2048 characters' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { reason: 'is not a URL' };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) return { reason: 'must use https:// (http:// only on loopback addresses)' };
  if (url.username || url.password) return { reason: 'must not contain user information' };
  if (url.hash || value.includes('#')) return { reason: 'must not contain a fragment' };
  return { url };
}
