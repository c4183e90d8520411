import { createHash } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import type { KvStore } from '../../storage/kv/types.js';
import { safeEqual } from '../../utils/crypto.js';
import { urlSafeSecret } from '../../utils/ids.js';

const randomHandle = () => urlSafeSecret(32);

/**
 * The pending round trip to a provider (RFC 6749 §10.12, RFC 9700 §4.7): `state` is 256 random
 * bits sent to the provider; the record it names holds the PKCE verifier (RFC 7636) and the
 * OIDC nonce, is taken once (atomic read-and-delete), expires after 10 minutes, and is bound to
 * the browser that started it by a digest of an HttpOnly cookie — a `state` replayed, forged,
 * or carried to another browser (login CSRF) is refused before any code is exchanged. The KV key
 * is the state's SHA-256, so a KV dump yields no usable states.
 */
export const SOCIAL_STATE_TTL_MS = 10 * 60 * 1000;

export type SocialMode =
  /** `/connections/social/<identifier>` (authing-js-sdk `social.authorize()`): tokens to the opener or to `redirectUrl`. */
  | { kind: 'popup'; redirectUrl?: string | undefined; context?: Record<string, unknown> | undefined }
  /** A connection button of the login UI: finishes that page's flow (an OIDC interaction, or tokens for an embedding page). */
  | { kind: 'login-ui'; handle: string }
  /** A signed-in user links one more external account (a confirmed link ticket, link-tickets.ts). */
  | { kind: 'link'; userId: string };

export interface SocialState {
  poolId: string;
  appId: string;
  connectionId: string;
  identifier: string;
  redirectUri: string;
  codeVerifier: string;
  nonce: string;
  /** SHA-256 of the browser-binding cookie. */
  browser: string;
  mode: SocialMode;
  expiresAt: number;
}

const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest('base64url');
const key = (state: string) => `social:state:${digest(state)}`;
const looksLikeState = (s: unknown): s is string => typeof s === 'string' && /^[A-Za-z0-9_-]{40,64}$/.test(s);

export function createSocialStateStore(kv: KvStore) {
  return {
    browserDigest: digest,
    /**
     * A form_post callback (Apple, SAML HTTP-POST) is a cross-site POST: the browser does not
     * send the SameSite=Lax binding cookie with it. Its parameters wait here (single use, one
     * minute) while the browser follows a 303 to a GET of the callback — a top-level navigation
     * that carries the cookie — so the binding is checked the same way for every provider.
     */
    async park(params: Record<string, string>): Promise<string> {
      const handle = randomHandle();
      await kv.set(`social:post:${digest(handle)}`, JSON.stringify(params), 60_000);
      return handle;
    },
    async unpark(handle: unknown): Promise<Record<string, string>> {
      if (!looksLikeState(handle)) throw new AppError('federation.state_invalid');
      const raw = await kv.take(`social:post:${digest(handle)}`);
      if (!raw) throw new AppError('federation.state_invalid');
      return JSON.parse(raw) as Record<string, string>;
    },
    async save(state: string, record: SocialState): Promise<void> {
      await kv.set(key(state), JSON.stringify(record), SOCIAL_STATE_TTL_MS);
    },
    /** Takes the record once; refuses a missing, unknown, spent, expired or foreign-browser state with one error. */
    async take(state: unknown, browserCookie: string | undefined): Promise<SocialState> {
      if (!looksLikeState(state)) throw new AppError('federation.state_invalid');
      const raw = await kv.take(key(state));
      if (!raw) throw new AppError('federation.state_invalid');
      const rec = JSON.parse(raw) as SocialState;
      if (rec.expiresAt <= Date.now()) throw new AppError('federation.state_invalid');
      if (!browserCookie || !safeEqual(digest(browserCookie), rec.browser)) throw new AppError('federation.state_invalid');
      return rec;
    },
  };
}
export type SocialStateStore = ReturnType<typeof createSocialStateStore>;
