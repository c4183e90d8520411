import { randomInt } from 'node:crypto';
import { CAPTCHA_ALPHABET, GLYPHS } from './glyphs.js';
import { encodePng } from './png.js';

/**
 * Draws a captcha as a raster image. The answer is not in the image's structure: there are no
 * glyph paths to match (the weakness of SVG captchas, whose glyphs are the same path commands
 * every time), only pixels. Each glyph is drawn from a stroke font with its own random scale,
 * rotation, shear, position and stroke width, every point of it jittered, the whole image warped
 * by a random wave, crossed by random curves of the same colours and thickness as the glyphs,
 * and sprinkled with noise.
 *
 * This raises the cost of automated solving; it does not stop it (a trained OCR model reads
 * most raster captchas). A captcha is a speed bump: the per-account lock is the real limit.
 */
export interface CaptchaImage {
  text: string;
  png: Buffer;
  width: number;
  height: number;
}

type Pt = [number, number];
type Rgb = [number, number, number];

/** Uniform float in [a, b) from the CSPRNG (the layout must not be predictable either). */
const rnd = (a: number, b: number) => a + (randomInt(0, 1_000_000) / 1_000_000) * (b - a);

class Canvas {
  readonly px: Float32Array;
  constructor(
    readonly w: number,
    readonly h: number,
    bg: Rgb,
  ) {
    this.px = new Float32Array(w * h * 3);
    for (let i = 0; i < w * h; i++) {
      const n = rnd(-14, 14);
      this.px[i * 3] = bg[0] + n;
      this.px[i * 3 + 1] = bg[1] + n;
      this.px[i * 3 + 2] = bg[2] + n;
    }
  }

  /** An anti-aliased segment of the given width: coverage from the pixel centre's distance to the segment. */
  segment(a: Pt, b: Pt, width: number, c: Rgb): void {
    const r = width / 2;
    const x0 = Math.max(0, Math.floor(Math.min(a[0], b[0]) - r - 1));
    const x1 = Math.min(this.w - 1, Math.ceil(Math.max(a[0], b[0]) + r + 1));
    const y0 = Math.max(0, Math.floor(Math.min(a[1], b[1]) - r - 1));
    const y1 = Math.min(this.h - 1, Math.ceil(Math.max(a[1], b[1]) + r + 1));
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const len2 = dx * dx + dy * dy || 1e-9;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5;
        const py = y + 0.5;
        const t = Math.max(0, Math.min(1, ((px - a[0]) * dx + (py - a[1]) * dy) / len2));
        const ex = a[0] + t * dx - px;
        const ey = a[1] + t * dy - py;
        const alpha = Math.max(0, Math.min(1, r + 0.5 - Math.sqrt(ex * ex + ey * ey)));
        if (alpha <= 0) continue;
        const i = (y * this.w + x) * 3;
        // max-style blending keeps overlapping pieces of one stroke from darkening at joints
        for (let k = 0; k < 3; k++) this.px[i + k] = Math.min(this.px[i + k]!, this.px[i + k]! * (1 - alpha) + c[k]! * alpha);
      }
    }
  }

  polyline(points: Pt[], width: number, c: Rgb): void {
    for (let i = 1; i < points.length; i++) this.segment(points[i - 1]!, points[i]!, width, c);
  }

  dot(p: Pt, radius: number, c: Rgb): void {
    this.segment(p, p, radius * 2, c);
  }

  toRgb(): Uint8Array {
    const out = new Uint8Array(this.px.length);
    for (let i = 0; i < this.px.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(this.px[i]!)));
    return out;
  }
}

/** Splits every segment so that none is longer than `step` pixels (the wave warp then bends them). */
function densify(points: Pt[], step: number): Pt[] {
  const out: Pt[] = [points[0]!];
  for (let i = 1; i < points.length; i++) {
    const [ax, ay] = points[i - 1]!;
    const [bx, by] = points[i]!;
    const n = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / step));
    for (let k = 1; k <= n; k++) out.push([ax + ((bx - ax) * k) / n, ay + ((by - ay) * k) / n]);
  }
  return out;
}

const darkColour = (): Rgb => [randomInt(0, 120), randomInt(0, 120), randomInt(0, 120)];

export function renderCaptcha(opts: { length?: number; width?: number; height?: number } = {}): CaptchaImage {
  const length = opts.length ?? 4;
  const W = opts.width ?? 150;
  const H = opts.height ?? 50;
  let text = '';
  for (let i = 0; i < length; i++) text += CAPTCHA_ALPHABET[randomInt(0, CAPTCHA_ALPHABET.length)]!;

  const canvas = new Canvas(W, H, [randomInt(215, 250), randomInt(215, 250), randomInt(215, 250)]);
  // One random wave for the whole image.
  const wave = { ax: rnd(1.5, 3), ay: rnd(1.5, 3), fx: rnd(0.05, 0.12), fy: rnd(0.04, 0.09), px: rnd(0, 6.3), py: rnd(0, 6.3) };
  const warp = ([x, y]: Pt): Pt => [x + wave.ax * Math.sin(y * wave.fy + wave.py), y + wave.ay * Math.sin(x * wave.fx + wave.px)];

  // Background clutter first, then glyphs, then curves over them.
  for (let i = 0; i < 120; i++) canvas.dot([rnd(0, W), rnd(0, H)], rnd(0.4, 1.1), darkColour());
  const curve = (width: number) => {
    const p0: Pt = [rnd(-5, W * 0.2), rnd(0, H)];
    const p1: Pt = [rnd(W * 0.2, W * 0.5), rnd(-H * 0.3, H * 1.3)];
    const p2: Pt = [rnd(W * 0.5, W * 0.8), rnd(-H * 0.3, H * 1.3)];
    const p3: Pt = [rnd(W * 0.8, W + 5), rnd(0, H)];
    const pts: Pt[] = [];
    for (let i = 0; i <= 40; i++) {
      const t = i / 40;
      const u = 1 - t;
      pts.push([u * u * u * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t * t * t * p3[0], u * u * u * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t * t * t * p3[1]]);
    }
    canvas.polyline(pts.map(warp), width, darkColour());
  };
  curve(rnd(1, 1.8));

  const slot = (W - 16) / length;
  for (let i = 0; i < length; i++) {
    const glyph = GLYPHS[text[i]!]!;
    const scale = rnd(2.1, 2.6); // px per grid unit: glyphs of ~29–36 px height
    const angle = (rnd(-28, 28) * Math.PI) / 180;
    const shear = rnd(-0.3, 0.3);
    const cx = 8 + slot * (i + 0.5) + rnd(-3, 3);
    const cy = H / 2 + rnd(-3, 3);
    const stroke = rnd(2.2, 3.4);
    const colour = darkColour();
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    for (const line of glyph) {
      const pts = line.map(([gx, gy]): Pt => {
        // Every point moves a little: the same glyph is never drawn the same way twice.
        const x = (gx - 5 + rnd(-0.45, 0.45)) * scale * rnd(0.85, 1);
        const y = (gy - 7 + rnd(-0.45, 0.45)) * scale;
        const sx = x + shear * y;
        return [cx + sx * cos - y * sin, cy + sx * sin + y * cos];
      });
      canvas.polyline(densify(pts, 1.5).map(warp), stroke, colour);
    }
  }
  curve(rnd(1.6, 2.6));
  curve(rnd(1, 2));
  for (let i = 0; i < 60; i++) canvas.dot([rnd(0, W), rnd(0, H)], rnd(0.4, 0.9), darkColour());

  return { text, png: encodePng(W, H, canvas.toRgb()), width: W, height: H };
}
