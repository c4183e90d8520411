/** Codes and tokens of the plain OAuth 2.0 fakes (QQ, Weibo, Baidu, Douyin). */
import { randomId } from './server.js';

export type Redeem<T> = { ok: true; value: T } | { ok: false; why: 'unknown' | 'used' | 'expired' | 'client' | 'redirect' };

export function oauthStore(now: () => number, codeTtlSeconds = 600) {
  const codes = new Map<string, { clientId: string; userKey: string; redirectUri?: string; issuedAt: number; used: boolean }>();
  const tokens = new Map<string, { clientId: string; userKey: string; expiresAt: number }>();
  return {
    issueCode(clientId: string, userKey: string, redirectUri?: string): string {
      const code = randomId('', 20);
      codes.set(code, { clientId, userKey, issuedAt: now(), used: false, ...(redirectUri ? { redirectUri } : {}) });
      return code;
    },
    /** Single use, bound to the client and (when issued with one) to the redirect URI. */
    redeem(code: string | undefined, clientId: string, redirectUri?: string): Redeem<{ userKey: string }> {
      const c = code ? codes.get(code) : undefined;
      if (!c) return { ok: false, why: 'unknown' };
      if (c.clientId !== clientId) return { ok: false, why: 'client' };
      if (c.used) return { ok: false, why: 'used' };
      if (now() - c.issuedAt > codeTtlSeconds * 1000) return { ok: false, why: 'expired' };
      if (c.redirectUri !== undefined && c.redirectUri !== redirectUri) return { ok: false, why: 'redirect' };
      c.used = true;
      return { ok: true, value: { userKey: c.userKey } };
    },
    issueToken(clientId: string, userKey: string, ttlSeconds = 7200): string {
      const t = randomId('tk', 24);
      tokens.set(t, { clientId, userKey, expiresAt: now() + ttlSeconds * 1000 });
      return t;
    },
    token(t: string | undefined): Redeem<{ clientId: string; userKey: string }> {
      const x = t ? tokens.get(t) : undefined;
      if (!x) return { ok: false, why: 'unknown' };
      if (now() > x.expiresAt) return { ok: false, why: 'expired' };
      return { ok: true, value: x };
    },
  };
}

/** Parses the redirect URI of an authorise request; undefined when it is not on `domain`. */
export function redirectOn(raw: string | undefined, domain: string | undefined): URL | undefined {
  try {
    const u = new URL(raw ?? '');
    return u.host === domain ? u : undefined;
  } catch {
    return undefined;
  }
}
