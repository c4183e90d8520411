import type { KvStore } from '../storage/kv/types.js';
import { scopedKv } from '../storage/kv/scoped.js';
import { urlSafeSecret } from '../utils/ids.js';
import { safeEqual, sha256Hex } from '../utils/crypto.js';
import { renderCaptcha } from './captcha/render.js';

/**
 * Graphic captcha (security.md §0 item 13). A raster image (PNG, services/captcha/render.ts)
 * and a random token; the answer lives in the shared KV under the pool's prefix for 5 minutes,
 * is compared case-insensitively and is consumed by the first check, right or wrong (single
 * use). A token from one pool is unknown in another.
 *
 * Binding: a captcha generated with `bindTo` (the sign-in flow's id, the normalised account
 * key, or both joined) passes only a check that names the same value, so a captcha solved for
 * one flow or account cannot be spent on another. A captcha generated without `bindTo` (the
 * vendor's `/api/v3/get-captcha-code`, which has no flow to name) passes any check of its pool.
 * Only a digest of the binding is stored.
 *
 * A captcha is a speed bump against scripted guessing, not a limit: image recognition solves
 * many captchas. The per-account lock is the real limit (docs/security.md "Captcha").
 */
export const CAPTCHA_TTL_MS = 5 * 60 * 1000;
const key = (token: string) => `captcha:${token}`;

export interface Captcha {
  token: string;
  /** An `<svg>` that shows the PNG (an `<image>` with a data URL): the vendor's `captchaCodeSvg`. */
  svg: string;
  /** The SVG above as base64, for `data:image/svg+xml;base64,…` (vendor `captchaCodeBase64`, JitAi `img`). */
  base64: string;
  /** The image itself. */
  png: Buffer;
  /** `data:image/png;base64,…` */
  dataUrl: string;
}

export interface CaptchaBinding {
  /** What the captcha is for: the flow id and/or the normalised account key. */
  bindTo?: string;
}

/** The binding's digest lives next to the answer; written first, so an answer is never visible without it. */
const bindKey = (token: string) => `captcha:${token}:bind`;

export function createCaptchaService(kv: KvStore) {
  return {
    async generate(poolId: string, opts: CaptchaBinding = {}): Promise<Captcha> {
      const img = renderCaptcha();
      const token = urlSafeSecret(24);
      const store = scopedKv(kv, poolId);
      if (opts.bindTo) await store.set(bindKey(token), sha256Hex(opts.bindTo), CAPTCHA_TTL_MS);
      await store.set(key(token), img.text.toLowerCase(), CAPTCHA_TTL_MS);
      const dataUrl = `data:image/png;base64,${img.png.toString('base64')}`;
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${img.width}" height="${img.height}" viewBox="0 0 ${img.width} ${img.height}"><image width="${img.width}" height="${img.height}" href="${dataUrl}"/></svg>`;
      return { token, svg, base64: Buffer.from(svg, 'utf8').toString('base64'), png: img.png, dataUrl };
    },
    /** Consumes the token; true only for the right answer within its lifetime, in the same pool, for the same binding. */
    async check(poolId: string, token: string | undefined, answer: string | undefined, opts: CaptchaBinding = {}): Promise<boolean> {
      if (!token || !answer || token.length > 128 || answer.length > 32) return false;
      const store = scopedKv(kv, poolId);
      const expected = await store.take(key(token));
      if (expected === null) return false;
      const bound = await store.take(bindKey(token));
      const rightAnswer = safeEqual(expected, answer.trim().toLowerCase());
      const rightBinding = bound === null || (opts.bindTo !== undefined && safeEqual(bound, sha256Hex(opts.bindTo)));
      return rightAnswer && rightBinding;
    },
  };
}
export type CaptchaService = ReturnType<typeof createCaptchaService>;
