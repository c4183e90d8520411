/**
 * Custom CSS for the login page (vendor `brandingConfig.customCSS`), made safe to put inside a
 * `<style>` element of the hosted page and the embeddable element's shadow root:
 *
 *  - no way out of the style element: every `<` is dropped, so `</style><script>` cannot end it;
 *  - no remote or script-bearing constructs: `@import` (and every at-rule but `@media`,
 *    `@supports`, `@container`, `@keyframes`, `@font-face`) is dropped, as are declarations with
 *    `expression(`, `javascript:`/`vbscript:` URLs, `behavior`, `-moz-binding`, backslash escapes
 *    (which could spell any of these) and `url()` other than `https:` or a `data:image/…`;
 *  - scoped to the login root: every selector is prefixed with the root's selector, and `:root`,
 *    `html` and `body` become the root itself, so the CSS cannot restyle the host page around an
 *    embedded element (whose shadow root already isolates it) nor the rest of the hosted page.
 *
 * What this does not protect against: CSS that makes the login form itself misleading (hiding a
 * field, overlaying text). Custom CSS is written by the pool's administrators, who can already
 * change every label of their login page; this keeps it from becoming script or a data leak.
 */
export const MAX_CUSTOM_CSS = 100_000;

const KEEP_AT_RULES_SCOPED = new Set(['media', 'supports', 'container']);
const KEEP_AT_RULES_AS_IS = new Set(['keyframes', '-webkit-keyframes', 'font-face']);

interface Cursor {
  s: string;
  i: number;
}

/** Reads up to (not including) one of `stops` at depth 0, skipping strings and parentheses. */
function readUntil(c: Cursor, stops: string): string {
  const start = c.i;
  let depth = 0;
  while (c.i < c.s.length) {
    const ch = c.s[c.i]!;
    if (ch === '"' || ch === "'") {
      const q = ch;
      c.i++;
      while (c.i < c.s.length && c.s[c.i] !== q && c.s[c.i] !== '\n') c.i++;
      c.i++;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && stops.includes(ch)) break;
    c.i++;
  }
  return c.s.slice(start, Math.min(c.i, c.s.length));
}

/** Reads a `{ … }` block (c.i at `{`) and returns its inside; unbalanced input ends at the end. */
function readBlock(c: Cursor): string {
  c.i++; // {
  const start = c.i;
  let depth = 1;
  while (c.i < c.s.length) {
    const ch = c.s[c.i]!;
    if (ch === '"' || ch === "'") {
      const q = ch;
      c.i++;
      while (c.i < c.s.length && c.s[c.i] !== q && c.s[c.i] !== '\n') c.i++;
      c.i++;
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) break;
    c.i++;
  }
  const inside = c.s.slice(start, Math.min(c.i, c.s.length));
  c.i++; // }
  return inside;
}

/** Splits on `sep` at depth 0, outside strings. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  const c: Cursor = { s, i: 0 };
  while (c.i < s.length) {
    out.push(readUntil(c, sep));
    c.i++;
  }
  return out;
}

const SAFE_URL = /^\s*url\(\s*(['"]?)(https:\/\/[^'"()\s\\]+|data:image\/(?:png|gif|jpeg|webp|svg\+xml)[;,][^'"()\s\\]*)\1\s*\)/i;

function safeValue(value: string): boolean {
  if (/expression\s*\(|javascript:|vbscript:|\\/i.test(value)) return false;
  // Every url( … ) must be an https URL or an inline image.
  const re = /url\s*\(/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value))) if (!SAFE_URL.test(value.slice(m.index))) return false;
  // Quoted strings may not hide a url, a scheme or image-set loads either.
  if (/image-set\s*\(|src\s*\(/i.test(value)) return false;
  return true;
}

function declarations(block: string): string {
  const out: string[] = [];
  for (const d of splitTop(block, ';')) {
    const i = d.indexOf(':');
    if (i <= 0) continue;
    const prop = d.slice(0, i).trim().toLowerCase();
    const value = d.slice(i + 1).trim();
    if (!/^(--)?[a-z-][a-z0-9-]*$/.test(prop) || prop === 'behavior' || prop === '-moz-binding' || !value) continue;
    if (!safeValue(value)) continue;
    out.push(`${prop}: ${value}`);
  }
  return out.join('; ');
}

function scopeSelectors(prelude: string, scope: string): string | null {
  if (/\\/.test(prelude)) return null;
  const parts = splitTop(prelude, ',')
    .map((p) => p.trim().replace(/\s+/g, ' '))
    .filter(Boolean)
    .map((sel) => {
      const root = /^(:root|html|body)\b/i.exec(sel);
      if (root) return `${scope}${sel.slice(root[0].length)}`.replace(/^(\S+) (body|html)\b/i, '$1');
      if (sel.startsWith(scope)) return sel;
      return `${scope} ${sel}`;
    });
  return parts.length ? parts.join(', ') : null;
}

function rules(css: string, scope: string, scoped: boolean): string[] {
  const out: string[] = [];
  const c: Cursor = { s: css, i: 0 };
  while (c.i < c.s.length) {
    const prelude = readUntil(c, '{;}').trim();
    const ch = c.s[c.i];
    if (ch === ';' || ch === '}' || ch === undefined) {
      // A statement at-rule (`@import …;`, `@charset …;`) or a stray token: dropped.
      c.i++;
      continue;
    }
    const block = readBlock(c);
    if (prelude.startsWith('@')) {
      const name = /^@([a-z-]+)/i.exec(prelude)?.[1]?.toLowerCase() ?? '';
      if (/\\/.test(prelude) || /url\s*\(/i.test(prelude) && name !== 'font-face') continue;
      if (KEEP_AT_RULES_SCOPED.has(name)) {
        const inner = rules(block, scope, scoped);
        if (inner.length) out.push(`${prelude.replace(/\s+/g, ' ')} {\n${inner.join('\n')}\n}`);
      } else if (name === 'font-face') {
        const d = declarations(block);
        if (d) out.push(`@font-face { ${d} }`);
      } else if (KEEP_AT_RULES_AS_IS.has(name)) {
        const frames = rules(block, scope, false);
        if (frames.length && /^@(-webkit-)?keyframes [A-Za-z0-9_-]+$/.test(prelude.replace(/\s+/g, ' '))) out.push(`${prelude.replace(/\s+/g, ' ')} {\n${frames.join('\n')}\n}`);
      }
      continue;
    }
    const selectors = scoped ? scopeSelectors(prelude, scope) : /^[a-z0-9%, .]+$/i.test(prelude) ? prelude : null;
    if (!selectors) continue;
    const d = declarations(block);
    if (d) out.push(`${selectors} { ${d} }`);
  }
  return out;
}

/** The custom CSS made safe and scoped to `scope` (a class or id selector of the login root). */
export function sanitizeCss(input: string, scope: string): string {
  const css = input
    .slice(0, MAX_CUSTOM_CSS)
    .replace(/\/\*[\s\S]*?(\*\/|$)/g, '')
    .replace(/</g, '')
    .replace(/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/g, '');
  return rules(css, scope, true).join('\n');
}
