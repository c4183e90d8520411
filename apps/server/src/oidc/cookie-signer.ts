import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signer of oidc-provider's signed cookies: what Koa keeps as `app.keys` and the `cookies`
 * package calls to sign a cookie (`sign`) and to check one (`index`, `verify`).
 *
 * The signatures are Keygrip's defaults exactly — HMAC-SHA1 of `name=value` under the first key,
 * base64url without padding (https://github.com/crypto-utils/keygrip) — so cookies signed before
 * stay valid and the first key signs while the others still verify (rotation). Two things differ,
 * both cost on every request that carries a session (docs/performance.md, session 11):
 *  - given an array, Koa's `ctx.cookies` builds a new Keygrip on every request; this object is
 *    built once per provider and reused;
 *  - Keygrip compares with `tsscmp`, which draws 32 random bytes and computes two more HMACs per
 *    comparison (a double-HMAC compare, for runtimes without a constant-time primitive); here the
 *    comparison is `crypto.timingSafeEqual` on the two digests.
 * A digest of another length than the expected one (27 characters for HMAC-SHA1) is refused at
 * once: that reveals the length only, which is public. What this does not protect against: a
 * stolen cookie with its signature is valid, as with any signed cookie (the session's own
 * idle and absolute lifetimes bound it).
 */
export interface CookieSigner {
  sign(data: string): string;
  verify(data: string, digest: string): boolean;
  index(data: string, digest: string): number;
}

export function createCookieSigner(keys: ReadonlyArray<string | Buffer>): CookieSigner {
  if (keys.length === 0) throw new Error('cookie signer: at least one key is required');
  const digestOf = (data: string, key: string | Buffer) => createHmac('sha1', key).update(data).digest('base64url');
  const index = (data: string, digest: string): number => {
    if (typeof digest !== 'string') return -1;
    const given = Buffer.from(digest);
    for (let i = 0; i < keys.length; i++) {
      const expected = Buffer.from(digestOf(data, keys[i]!));
      if (expected.length === given.length && timingSafeEqual(expected, given)) return i;
    }
    return -1;
  };
  return {
    sign: (data) => digestOf(data, keys[0]!),
    verify: (data, digest) => index(data, digest) > -1,
    index,
  };
}
