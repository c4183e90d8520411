import { AppError } from '../../errors/app-error.js';

/**
 * Checks for branding values that end up in the login page (an `<img src>`, a CSS background or
 * a colour custom property). The page's CSP (img-src 'self' https: data:) backs these up.
 */
const COLOR = /^(#[0-9a-f]{3,8}|(rgb|rgba|hsl|hsla)\(\s*[0-9.%\s,/]+\)|[a-z]{3,20})$/i;
const DATA_IMAGE = /^data:image\/(png|gif|jpeg|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$/;

export function checkImageUrl(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new AppError('branding.invalid_url', { params: { field } });
  if (value === '') return value;
  if (DATA_IMAGE.test(value) && value.length <= 200_000) return value;
  try {
    const u = new URL(value);
    // http only for loopback: a development server; production logos are https.
    if (u.protocol === 'https:' || (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname))) return u.toString();
  } catch {
    /* fall through */
  }
  throw new AppError('branding.invalid_url', { params: { field } });
}

export function checkColor(value: unknown, field: string): string {
  if (typeof value === 'string' && (value === '' || COLOR.test(value.trim()))) return value.trim();
  throw new AppError('branding.invalid_color', { params: { field } });
}

/** The vendor's `customBackground`: a colour, or `url(https://…)` followed by position/size/repeat words. */
export function checkBackground(value: unknown): string {
  if (typeof value !== 'string') throw new AppError('branding.invalid_background');
  const v = value.trim();
  if (v === '' || COLOR.test(v)) return v;
  const m = /^url\(\s*(['"]?)([^'"()\s\\]+)\1\s*\)\s*([a-z0-9%. /-]*)$/i.exec(v);
  if (m) {
    const url = checkImageUrl(m[2], 'customBackground');
    return `url("${url}") ${m[3] ?? ''}`.trim();
  }
  throw new AppError('branding.invalid_background');
}
