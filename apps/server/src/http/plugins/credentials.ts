import type { FastifyRequest } from 'fastify';

/**
 * Reading credentials from requests, in one place: Basic client credentials (RFC 6749 §2.3.1,
 * form-urlencoded before base64, so they are percent-decoded here) and user access tokens,
 * which the vendor clients send with or without the `Bearer ` prefix (after `setAccessToken`
 * they send the bare token). Parsing only: verification stays with the caller.
 */
export const headerValue = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

const percentDecode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export function basicCredentials(req: FastifyRequest): { id: string; secret: string } | null {
  const h = headerValue(req, 'authorization');
  if (!h || !/^basic /i.test(h)) return null;
  const decoded = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return null;
  return { id: percentDecode(decoded.slice(0, i)), secret: percentDecode(decoded.slice(i + 1)) };
}

/** Longest token we will look at; anything longer is refused before any lookup. */
export const MAX_TOKEN_LENGTH = 8192;

/** The access token from `Authorization: Bearer <t>` or `Authorization: <t>`; null when absent or oversized. */
export function bearerToken(req: FastifyRequest): string | null {
  const h = headerValue(req, 'authorization');
  if (!h) return null;
  const token = (/^bearer /i.test(h) ? h.slice(7) : h).trim();
  return token && token.length <= MAX_TOKEN_LENGTH ? token : null;
}
