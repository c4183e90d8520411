import { createHash } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import type { KvStore } from '../../storage/kv/types.js';
import { safeEqual } from '../../utils/crypto.js';
import { urlSafeSecret } from '../../utils/ids.js';
import type { InteractionLogin } from '../engine/types.js';

/**
 * A login-UI flow: one visit of the login page (hosted or embedded), from its first screen to
 * its finish. It is not the engine's flow (which exists only while a policy step waits); it
 * remembers what the page needs between calls: the app, where the sign-in finishes (an OIDC
 * interaction or a token set for the embedding page), the origin allowed to drive it, the
 * anti-forgery token, the captcha the attempt guard asked for, a waiting engine step and the
 * QR code on screen.
 *
 * The handle is 256 random bits that the page holds in memory and sends in a header (never in a
 * URL, so it is not logged); the KV key is its SHA-256, so a KV dump yields no usable handles.
 */
export const UI_FLOW_TTL_MS = 30 * 60 * 1000;

export interface UiFlow {
  poolId: string;
  appId: string;
  mode: 'interaction' | 'standalone';
  /** Interaction mode: the OIDC interaction uid and the path prefix of its routes. */
  interaction?: { uid: string; base: string; /** The protocol the interaction serves when it is a SAML or CAS request (else OIDC). */ protocol?: 'saml' | 'cas' };
  /** Standalone mode: the web origin that started the flow; every later call must come from it. */
  origin: string | null;
  /** Anti-forgery token: every state-changing call carries it in `x-gatehouse-csrf`. */
  csrf: string;
  /** Scope of the token set (standalone mode). */
  scope?: string;
  /**
   * The engine flow waiting for a step (MFA, profile completion …). A step reached by a sign-in
   * that finished on another page (a social or enterprise callback) also keeps the step's
   * client-safe `data` and the connection it came `via`, for the page that resumes it once
   * (`LoginUi.resumeExternal`).
   */
  engine?: { token: string; step: string; data?: Record<string, unknown>; via?: string };
  /** Interaction mode: the finished sign-in, handed to oidc-provider by the completion POST. */
  finished?: { login: InteractionLogin; userId: string };
  /** The captcha shown on this page: only this token is accepted (the captcha is bound to the flow). */
  captchaToken?: string;
  /** The QR code shown on this page. */
  qrId?: string;
  /** Interaction mode: the OIDC request asked for MFA (acr_values), and the browser's "remember this device" cookies (docs/mfa.md). */
  mfa?: { force?: boolean; deviceTokens?: string[] };
  /** Interaction mode: the user passed the MFA step and ticked "remember this device"; the completion sets the cookie. */
  rememberDevice?: boolean;
  createdAt: number;
  expiresAt: number;
}

const key = (handle: string) => `login-ui:flow:${createHash('sha256').update(handle, 'utf8').digest('base64url')}`;
const looksLikeHandle = (h: unknown): h is string => typeof h === 'string' && /^[A-Za-z0-9_-]{40,64}$/.test(h);

export function createUiFlowStore(kv: KvStore) {
  return {
    async create(f: Omit<UiFlow, 'csrf' | 'createdAt' | 'expiresAt'>): Promise<{ handle: string; flow: UiFlow }> {
      const handle = urlSafeSecret(32);
      const now = Date.now();
      const flow: UiFlow = { ...f, csrf: urlSafeSecret(24), createdAt: now, expiresAt: now + UI_FLOW_TTL_MS };
      await kv.set(key(handle), JSON.stringify(flow), UI_FLOW_TTL_MS);
      return { handle, flow };
    },

    async load(handle: unknown): Promise<UiFlow> {
      if (!looksLikeHandle(handle)) throw new AppError('login.flow_invalid');
      const raw = await kv.get(key(handle));
      if (!raw) throw new AppError('login.flow_invalid');
      const flow = JSON.parse(raw) as UiFlow;
      if (flow.expiresAt <= Date.now()) throw new AppError('login.flow_invalid');
      return flow;
    },

    /** Loads and checks the anti-forgery token (constant time). */
    async loadChecked(handle: unknown, csrf: unknown): Promise<UiFlow> {
      const flow = await this.load(handle);
      if (typeof csrf !== 'string' || !safeEqual(csrf, flow.csrf)) throw new AppError('login.csrf_invalid');
      return flow;
    },

    async save(handle: string, flow: UiFlow): Promise<void> {
      const ttl = flow.expiresAt - Date.now();
      if (ttl <= 0) throw new AppError('login.flow_invalid');
      await kv.set(key(handle), JSON.stringify(flow), ttl);
    },

    /**
     * Moves the flow to a new handle and anti-forgery token, after `change`: the old pair stops
     * working at once (taken atomically, so of two parallel calls one wins). For a handle that
     * left the page's memory — a provider callback's page hands it on with a form post.
     */
    async rekey(handle: unknown, change: (flow: UiFlow) => void): Promise<{ handle: string; flow: UiFlow } | null> {
      const taken = await this.take(handle);
      if (!taken || taken.expiresAt <= Date.now()) return null;
      const next = urlSafeSecret(32);
      const flow: UiFlow = { ...taken, csrf: urlSafeSecret(24) };
      change(flow);
      await kv.set(key(next), JSON.stringify(flow), flow.expiresAt - Date.now());
      return { handle: next, flow };
    },

    /** Takes the flow (single use at completion: two completion posts cannot both finish it). */
    async take(handle: unknown): Promise<UiFlow | null> {
      if (!looksLikeHandle(handle)) return null;
      const raw = await kv.take(key(handle));
      return raw ? (JSON.parse(raw) as UiFlow) : null;
    },
  };
}
export type UiFlowStore = ReturnType<typeof createUiFlowStore>;
