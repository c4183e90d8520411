import type { Config } from './api.js';
import type { Boot } from './app.js';
import { matchLang } from './i18n.js';

/**
 * The hosted page as a live branding preview (`/login/preview?app_id=…`, docs/branding.md
 * "Live preview"). The console frames it and posts the login page configuration it got from
 * `POST /api/v3/preview-login-page` — branding with unsaved changes, already checked and
 * sanitised by the server exactly like saved branding. The page shows it and stores nothing.
 *
 * Only the framing page may drive it, and only from Gatehouse's own origin: a message counts
 * when `event.origin` is exactly this page's origin and `event.source` is the parent window
 * (HTML "postMessage" security: always check the origin, then the source). Everything else is
 * ignored. The server's `frame-ancestors 'self'` keeps other sites from framing it at all.
 */
export const PREVIEW_MESSAGE = 'gatehouse:login-preview';
export const PREVIEW_READY = 'gatehouse:login-preview-ready';

interface PreviewData {
  type: typeof PREVIEW_MESSAGE;
  config: Config;
}
const isPreview = (d: unknown): d is PreviewData => {
  const v = d as Partial<PreviewData> | null;
  return !!v && v.type === PREVIEW_MESSAGE && !!v.config && typeof v.config === 'object' && !!v.config.branding && typeof v.config.branding === 'object' && Array.isArray(v.config.tabs);
};

export function startPreview(root: HTMLElement, boot: Boot, show: (boot: Boot) => void): void {
  show(boot);
  if (window.parent === window) return;
  let sheet: CSSStyleSheet | null = null;
  addEventListener('message', (e: MessageEvent) => {
    if (e.origin !== location.origin || e.source !== window.parent || !isPreview(e.data)) return;
    const config = e.data.config;
    const b = config.branding;
    // Through the CSSOM, like the saved branding (brand.ts): the page's CSP allows no inline style.
    const set = (name: string, value: unknown) => (typeof value === 'string' && value ? root.style.setProperty(name, value) : root.style.removeProperty(name));
    set('--gh-primary', b.primaryColor);
    set('--gh-background', b.background);
    // The saved custom CSS (server-rendered, nonce'd) gives way to the draft's.
    const saved = document.getElementById('gh-custom-css') as HTMLStyleElement | null;
    if (saved?.sheet) saved.sheet.disabled = true;
    if (!sheet) {
      sheet = new CSSStyleSheet();
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    }
    sheet.replaceSync(typeof b.css === 'string' ? b.css : '');
    // The preview speaks the draft's default language: what a visitor without a preference sees.
    show({ ...boot, config, lang: matchLang(b.defaultLanguage) ?? boot.lang });
  });
  window.parent.postMessage({ type: PREVIEW_READY }, location.origin);
}
