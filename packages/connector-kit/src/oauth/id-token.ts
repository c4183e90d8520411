/**
 * ID token validation (OIDC Core §3.1.3.7): signature with the provider's JWKS, `iss`, `aud`
 * (and `azp` when there are several audiences), `exp`/`iat` with a small clock tolerance, and
 * `nonce`. Any failure is `connector.invalid_token`; a JWKS that cannot be fetched is
 * `connector.unavailable`.
 *
 * Not covered here: `at_hash`/`c_hash` (only needed when tokens come through the front channel;
 * our connectors take ID tokens from the token endpoint over TLS, OIDC Core §3.1.3.8) and
 * `acr`/`auth_time` policies.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { ConnectorError } from '../types.js';
import { isNoMatchingKey, keyResolver, type JwksSource } from './jwks.js';

/** Asymmetric algorithms only: HS* would let anyone holding the client secret mint tokens, `none` is never accepted. */
export const ASYMMETRIC_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface IdTokenCheck {
  vendor: string;
  jwks: JwksSource;
  /** Accepted issuer(s), or a function of the (not yet verified) claims — Entra's issuer contains the token's `tid`. */
  issuer: string | string[] | ((claims: JWTPayload) => string | string[]);
  /** Accepted audience(s): our client id (plus native-app client ids for mobile sign-in). */
  audience: string | string[];
  /** The expected nonce; when undefined the nonce is not checked (tokens obtained without one). */
  nonce?: string;
  algorithms?: string[];
  clockToleranceSec?: number;
  now?: () => Date;
}

export type IdTokenClaims = JWTPayload & { sub: string };

export async function verifyIdToken(token: string, c: IdTokenCheck): Promise<IdTokenClaims> {
  const fail = (reason: string, cause?: unknown) => new ConnectorError('connector.invalid_token', `${c.vendor}: ID token ${reason}`, { cause });
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(token);
  } catch (err) {
    throw fail('is not a JWT', err);
  }
  const issuer = typeof c.issuer === 'function' ? c.issuer(unverified) : c.issuer;
  const options = {
    issuer,
    audience: c.audience,
    algorithms: c.algorithms ?? ASYMMETRIC_ALGS,
    clockTolerance: c.clockToleranceSec ?? 60,
    requiredClaims: ['sub', 'exp', 'iat'],
    ...(c.now ? { currentDate: c.now() } : {}),
  };
  let payload: JWTPayload;
  try {
    payload = (await jwtVerify(token, keyResolver(await c.jwks.get()), options)).payload;
  } catch (err) {
    if (err instanceof ConnectorError) throw err;
    if (!isNoMatchingKey(err)) throw fail(reasonOf(err), err);
    // Unknown kid: the provider may have rotated its keys since we cached them.
    const fresh = await c.jwks.refresh();
    if (!fresh) throw fail('signed with an unknown key', err);
    try {
      payload = (await jwtVerify(token, keyResolver(fresh), options)).payload;
    } catch (err2) {
      if (err2 instanceof ConnectorError) throw err2;
      throw fail(reasonOf(err2), err2);
    }
  }
  if (typeof payload.sub !== 'string' || !payload.sub) throw fail('has no subject');
  // OIDC Core §3.1.3.7 items 4–5: with several audiences, azp must be present and be us.
  if (Array.isArray(payload.aud) && payload.aud.length > 1) {
    const ours = Array.isArray(c.audience) ? c.audience : [c.audience];
    if (typeof payload.azp !== 'string' || !ours.includes(payload.azp)) throw fail('azp is not this client');
  }
  if (c.nonce !== undefined) {
    if (typeof payload.nonce !== 'string' || !sameString(payload.nonce, c.nonce)) throw fail('nonce mismatch');
  }
  return payload as IdTokenClaims;
}

function reasonOf(err: unknown): string {
  const e = err as { code?: string; claim?: string; reason?: string };
  switch (e.code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `claim ${e.claim ?? '?'} ${e.reason ?? 'invalid'}`;
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'signature invalid';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'algorithm not allowed';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'signed with an unknown key';
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'matches several keys';
    default:
      return 'invalid';
  }
}

/** Constant-time string equality (hashes first so lengths do not leak). */
export function sameString(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
