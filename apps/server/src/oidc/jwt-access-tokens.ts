import { createPrivateKey, createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { JWS_ALGS } from './jws-algorithms.js';

/**
 * JWT access tokens are not stored (issue #22): a Gatehouse JWT access token is self-contained,
 * and introspection, userinfo and the /api/v3 bearer check verify it locally — signature with
 * the pool's keys, `typ`, `iss`, `aud`, `exp` — and then consult only revocation state in the KV
 * (the `jti` deny-list and the grant/account tombstones, see adapter.ts).
 *
 * Revocation needs facts the RFC 9068 claims do not carry, so the token holds one private claim
 * (RFC 7519 §4.3, a name agreed between producer and consumer — both are this server):
 *   gh.k    the model: 'at' (AccessToken) or 'cc' (ClientCredentials) — a client-credentials
 *           token must never be accepted where a user's token is expected, and vice versa
 *   gh.t    epoch ms when the token was minted: the grant-tokens and account tombstones hold
 *           epoch ms and kill what was issued until then; `iat` has whole seconds only, and a
 *           token minted in the same second right after a revocation (SSO re-authorization
 *           keeps the grant) must stay valid
 *   gh.g    grant id: revoking the grant, a refresh-token family (replay) or logging out writes
 *           a tombstone under it; without it the token could not be tied to its grant
 *   gh.s, gh.w  session uid and "expires with the session" (oidc-provider's session binding:
 *           a token of a code flow without offline_access dies with the browser session)
 *   gh.sid, gh.gty, gh.c  the session id (introspection answers it), the grant type and the
 *           requested `claims` — what oidc-provider kept in the stored record before
 * None of these is a secret: a grant id or session uid is not a credential, and every lookup by
 * them happens server-side after the signature has been verified.
 */

/** The private claim's name. */
export const PRIVATE_CLAIM = 'gh';

export interface PrivateClaims {
  k: 'at' | 'cc';
  t: number;
  g?: string;
  s?: string;
  w?: 1;
  sid?: string;
  gty?: string;
  c?: unknown;
}

/** What the token model holds when oidc-provider formats it (models/formats/jwt.js customizer). */
interface TokenFacts {
  kind?: string;
  grantId?: string;
  sessionUid?: string;
  expiresWithSession?: boolean;
  sid?: string;
  gty?: string;
  claims?: unknown;
}

/** The private claim for a token being formatted (called from the `formats.customizers.jwt` hook). */
export function privateClaimsOf(token: TokenFacts, now = Date.now()): PrivateClaims {
  const c: PrivateClaims = { k: token.kind === 'ClientCredentials' ? 'cc' : 'at', t: now };
  if (token.grantId) c.g = token.grantId;
  if (token.sessionUid) c.s = token.sessionUid;
  if (token.expiresWithSession) c.w = 1;
  if (token.sid) c.sid = token.sid;
  if (token.gty) c.gty = token.gty;
  if (token.claims !== undefined) c.c = token.claims;
  return c;
}

/** The verified content of a Gatehouse JWT access token. */
export interface VerifiedAccessToken {
  jti: string;
  sub: string;
  client_id: string;
  iat: number;
  exp: number;
  aud: string;
  scope?: string;
  cnf?: { jkt?: string; 'x5t#S256'?: string };
  authorization_details?: unknown;
  gh: PrivateClaims;
  /** Claims added by `extraTokenClaims` (user scripts, docs/pipeline.md): oidc-provider spreads them into the JWT. */
  extra: Record<string, unknown>;
}

/** The claims oidc-provider's JWT format writes itself (models/formats/jwt.js) plus ours; everything else came from `extra`. */
const STANDARD = new Set(['jti', 'sub', 'iat', 'exp', 'authorization_details', 'scope', 'client_id', 'iss', 'aud', 'cnf', PRIVATE_CLAIM]);

export interface JwtVerifierOptions {
  issuer: string;
  /** The pool's resource (its issuer): the only audience of its access tokens. */
  audience: string;
  /** The pool's private JWKS (as oidc-provider gets it); only the public halves are kept. */
  keys: JWK[];
  /** Verified tokens remembered (by exact value), so a token presented again skips the signature check. */
  cacheSize?: number;
}


const decodePart = (part: string): Record<string, unknown> | undefined => {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const int = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

function isPrivateClaims(v: unknown): v is PrivateClaims {
  if (!v || typeof v !== 'object') return false;
  const c = v as Record<string, unknown>;
  return (c.k === 'at' || c.k === 'cc') && int(c.t) && (c.g === undefined || str(c.g)) && (c.s === undefined || str(c.s));
}

/** Does the compact JWT carry our private claim? (Unverified: only to pick the code path.) */
export function hasPrivateClaim(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 3 && decodePart(parts[1]!)?.[PRIVATE_CLAIM] !== undefined;
}

/**
 * Local verification of one pool's JWT access tokens: the signature with the pool's keys
 * (selected by `kid`, algorithm pinned to the key's), `typ: at+jwt` (RFC 9068 §4: an ID token,
 * logout token or signed userinfo of the same keys is never an access token), `iss`, `aud`, and
 * the private claim. `exp` is checked on every call (a cached token expires like any other).
 * Synchronous node:crypto: no thread-pool hop per token (the pool is shared with other work).
 */
export function createJwtVerifier(opts: JwtVerifierOptions) {
  const keys = new Map<string, { alg: string; key: KeyObject; dsaEncoding?: 'ieee-p1363' }>();
  for (const jwk of opts.keys) {
    const alg = typeof jwk.alg === 'string' ? JWS_ALGS[jwk.alg] : undefined;
    if (!jwk.kid || !alg || jwk.kty !== alg.kty) continue;
    keys.set(jwk.kid, { alg: jwk.alg!, key: createPublicKey(createPrivateKey({ key: jwk as never, format: 'jwk' })), ...(alg.dsaEncoding ? { dsaEncoding: alg.dsaEncoding } : {}) });
  }
  const max = opts.cacheSize ?? 10_000;
  const verified = new Map<string, VerifiedAccessToken>();

  function check(value: string): VerifiedAccessToken | undefined {
    const parts = value.split('.');
    if (parts.length !== 3) return undefined;
    const header = decodePart(parts[0]!);
    const claims = decodePart(parts[1]!);
    if (!header || !claims) return undefined;
    if (header.typ !== 'at+jwt' || !str(header.kid) || header.crit !== undefined) return undefined;
    const key = keys.get(header.kid);
    if (!key || header.alg !== key.alg) return undefined;
    const signature = Buffer.from(parts[2]!, 'base64url');
    const input = Buffer.from(`${parts[0]}.${parts[1]}`);
    if (!verifySignature('sha256', input, key.dsaEncoding ? { key: key.key, dsaEncoding: key.dsaEncoding } : key.key, signature)) return undefined;
    if (claims.iss !== opts.issuer || claims.aud !== opts.audience) return undefined;
    if (!str(claims.jti) || !str(claims.sub) || !str(claims.client_id) || !int(claims.iat) || !int(claims.exp)) return undefined;
    if (claims.scope !== undefined && typeof claims.scope !== 'string') return undefined;
    // Gatehouse never sets nbf; a token carrying one was not minted by this code.
    if (claims.nbf !== undefined) return undefined;
    if (!isPrivateClaims(claims[PRIVATE_CLAIM])) return undefined;
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(claims)) if (!STANDARD.has(k)) extra[k] = v;
    return { ...(claims as unknown as VerifiedAccessToken), gh: claims[PRIVATE_CLAIM] as PrivateClaims, extra };
  }

  return {
    /** Was this exact value verified before (no signature check is made here)? */
    known: (value: string) => verified.has(value),
    /** The verified token, or undefined (bad signature, foreign key, wrong typ/iss/aud, malformed, expired). */
    verify(value: string, nowS = Math.floor(Date.now() / 1000)): VerifiedAccessToken | undefined {
      if (typeof value !== 'string' || value.length > 4096) return undefined;
      let token = verified.get(value);
      if (!token) {
        token = check(value);
        if (!token) return undefined;
        // Bounded: the oldest entry goes first (Map keeps insertion order).
        if (verified.size >= max) verified.delete(verified.keys().next().value!);
        verified.set(value, token);
      }
      return token.exp > nowS ? token : undefined;
    },
  };
}
export type JwtVerifier = ReturnType<typeof createJwtVerifier>;

/**
 * The record oidc-provider would have stored for the token (the model's IN_PAYLOAD fields), so
 * its models behave exactly as they did when the record came from storage.
 */
export function payloadOfVerified(t: VerifiedAccessToken): Record<string, unknown> & { grantId?: string; accountId?: string; iat: number } {
  const kind = t.gh.k === 'cc' ? 'ClientCredentials' : 'AccessToken';
  const p: Record<string, unknown> & { grantId?: string; accountId?: string; iat: number } = { iat: t.iat, exp: t.exp, jti: t.jti, kind, clientId: t.client_id, aud: t.aud, extra: { ...t.extra } };
  // oidc-provider puts the account id in `sub` (no pairwise subjects are configured for Gatehouse clients).
  if (kind === 'AccessToken') p.accountId = t.sub;
  if (t.scope) p.scope = t.scope;
  if (t.gh.g) p.grantId = t.gh.g;
  if (t.gh.s) p.sessionUid = t.gh.s;
  if (t.gh.w) p.expiresWithSession = true;
  if (t.gh.sid) p.sid = t.gh.sid;
  if (t.gh.gty) p.gty = t.gh.gty;
  if (t.gh.c !== undefined) p.claims = t.gh.c;
  if (t.cnf?.jkt) p.jkt = t.cnf.jkt;
  if (t.cnf?.['x5t#S256']) p['x5t#S256'] = t.cnf['x5t#S256'];
  if (t.authorization_details !== undefined) p.rar = t.authorization_details;
  return p;
}
