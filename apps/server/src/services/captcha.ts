import svgCaptcha from 'svg-captcha';
import type { KvStore } from '../storage/kv/types.js';
import { scopedKv } from '../storage/kv/scoped.js';
import { urlSafeSecret } from '../utils/ids.js';
import { safeEqual } from '../utils/crypto.js';

/**
 * Graphic captcha (issue #4; security.md §0 item 13): an SVG image and a random token; the
 * answer lives in the shared KV under the pool's prefix for 5 minutes, is compared
 * case-insensitively and is consumed by the first check, right or wrong (single use). A token
 * from one pool is unknown in another.
 */
export const CAPTCHA_TTL_MS = 5 * 60 * 1000;
const key = (token: string) => `captcha:${token}`;

export interface Captcha {
  token: string;
  /** SVG markup. */
  svg: string;
  /** The same image as base64 (JitAi `img`). */
  base64: string;
}

export function createCaptchaService(kv: KvStore) {
  return {
    async generate(poolId: string): Promise<Captcha> {
      const c = svgCaptcha.create({ size: 4, noise: 2, ignoreChars: '0oO1iIlL', color: false, width: 120, height: 40 });
      const token = urlSafeSecret(24);
      await scopedKv(kv, poolId).set(key(token), c.text.toLowerCase(), CAPTCHA_TTL_MS);
      return { token, svg: c.data, base64: Buffer.from(c.data, 'utf8').toString('base64') };
    },
    /** Consumes the token; true only for the right answer within its lifetime, in the same pool. */
    async check(poolId: string, token: string | undefined, answer: string | undefined): Promise<boolean> {
      if (!token || !answer || token.length > 128 || answer.length > 32) return false;
      const expected = await scopedKv(kv, poolId).take(key(token));
      if (expected === null) return false;
      return safeEqual(expected, answer.trim().toLowerCase());
    },
  };
}
export type CaptchaService = ReturnType<typeof createCaptchaService>;
