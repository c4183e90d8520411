import { render } from 'preact';
import { Api, ApiError, type Config } from './api.js';
import { App, errorText, type Boot } from './app.js';
import { applyBranding } from './brand.js';
import { matchLang } from './i18n.js';
import css from './styles.css?inline';

/**
 * <gatehouse-login app-id="…" host="https://id.example.com" [mode="inline|modal"] [lang] [scope]>
 *
 * The login UI as a web component, built from the same source as the hosted page. It runs a
 * standalone flow of the login API on the embedding page's origin (which must be one of the
 * app's web origins: CORS) and fires:
 *   - `login`    detail { tokens, userId } — the token set, like Guard's onLogin
 *   - `register` detail { tokens, userId } — after a registration (the user is signed in)
 *   - `error`    detail { code, message }
 *   - `close`    the modal was closed
 * Events bubble and cross the shadow boundary. No cookie is used (works without third-party
 * cookies); the flow handle lives in this element's memory only.
 */
class GatehouseLogin extends HTMLElement {
  static observedAttributes = ['app-id', 'host', 'lang', 'mode'];
  private shadow: ShadowRoot;
  private mount: HTMLElement;
  private dialog: HTMLDialogElement | null = null;
  private started = false;

  constructor() {
    super();
    this.shadow = this.attachShadow({ mode: 'open' });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    this.shadow.adoptedStyleSheets = [sheet];
    this.mount = document.createElement('div');
    this.mount.className = 'gh-login gh-embedded';
  }

  connectedCallback() {
    if (this.started) return;
    this.started = true;
    if (this.getAttribute('mode') === 'modal') {
      this.dialog = document.createElement('dialog');
      this.dialog.addEventListener('close', () => this.fire('close', {}));
      this.dialog.appendChild(this.mount);
      this.shadow.appendChild(this.dialog);
      this.dialog.showModal();
    } else this.shadow.appendChild(this.mount);
    void this.start();
  }

  /** Opens the modal again (mode="modal"). */
  open() {
    this.dialog?.showModal();
  }

  close() {
    this.dialog?.close();
  }

  private fire(name: string, detail: unknown) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private async start() {
    const appId = this.getAttribute('app-id') ?? '';
    const host = (this.getAttribute('host') ?? '').replace(/\/+$/, '');
    const api = new Api(`${host}/login/api/apps/${encodeURIComponent(appId)}`);
    let config: Config;
    try {
      config = await api.call<Config>('/config', undefined, 'GET');
      const flow = await api.call<{ flow: string; csrf: string }>('/flows', this.getAttribute('scope') ? { scope: this.getAttribute('scope') } : {});
      api.flow = flow.flow;
      api.csrf = flow.csrf;
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError('network', 0, '', {}, {});
      const lang = matchLang(this.getAttribute('lang') ?? navigator.language) ?? 'en';
      this.fire('error', { code: err.code, message: errorText(err, lang) });
      render(<App boot={{ mode: 'standalone', screen: 'error', lang, error: { code: err.code } }} />, this.mount);
      return;
    }
    if (config.branding.css) {
      const custom = new CSSStyleSheet();
      custom.replaceSync(config.branding.css);
      this.shadow.adoptedStyleSheets = [...this.shadow.adoptedStyleSheets, custom];
    }
    applyBranding(this.mount, config);
    const lang = matchLang(this.getAttribute('lang')) ?? matchLang(config.branding.defaultLanguage) ?? matchLang(navigator.language) ?? 'en';
    const boot: Boot = { mode: 'standalone', screen: 'login', lang, apiBase: api.base, flow: api.flow, csrf: api.csrf, config };
    render(
      <App
        boot={boot}
        root={this.shadow}
        onTokens={(d, registered) => {
          this.fire(registered ? 'register' : 'login', d);
          if (registered) this.fire('login', d);
          this.dialog?.close();
        }}
        onError={(d) => this.fire('error', d)}
        {...(this.dialog ? { onClose: () => this.dialog?.close() } : {})}
      />,
      this.mount,
    );
  }
}

if (!customElements.get('gatehouse-login')) customElements.define('gatehouse-login', GatehouseLogin);
export { GatehouseLogin };
