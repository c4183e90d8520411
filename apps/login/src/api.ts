/** The login API client (docs/login-ui.md): the flow handle and anti-forgery token travel in headers, never in URLs or cookies. */
export interface Tab {
  id: string;
  kind: 'password' | 'sms' | 'email' | 'qrcode' | 'passkey' | 'method';
  method: string;
  identifiers?: Array<'phone' | 'email' | 'username'>;
  label?: { en: string; zh: string };
  fields?: Array<{ name: string; type: 'text' | 'password' | 'email' | 'tel' | 'code'; label: { en: string; zh: string }; autocomplete?: string }>;
}
export interface Agreement {
  id: string;
  content: string;
  isRequired: boolean;
  displayAt: Array<'LoginPage' | 'RegisterPage'>;
  lang: string;
}
export interface Connection {
  id: string;
  kind: 'social' | 'enterprise';
  name: string;
  label?: Record<string, string>;
  logo?: string;
  startUrl: string;
  qrUrl?: string;
  /** The vendor's QR page framed in the page (DingTalk, WeCom): where to ask for the frame, and its origin. */
  embed?: { url: string; origin: string; delivery: 'post-message' | 'top-navigation' };
}
export interface Config {
  app: { id: string; name: string };
  branding: {
    logo: string;
    primaryColor: string;
    background: string;
    loadingImage: string;
    favicon: string;
    css: string;
    showChangeLanguageButton: boolean;
    defaultLanguage: string | null;
    showForgetPasswordButton: boolean;
    agreements: Agreement[];
  };
  tabs: Tab[];
  defaultTab: string;
  registration: { enabled: boolean; methods: Array<'password' | 'sms' | 'email'>; merge: boolean };
  connections: Connection[];
}
export type Outcome =
  | { status: 'step'; step: string; data: Record<string, unknown> }
  | { status: 'complete'; finish: { kind: 'interaction'; action: string } }
  | { status: 'complete'; finish: { kind: 'tokens'; tokens: Record<string, unknown>; userId: string } };

export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly serverMessage: string,
    readonly params: Record<string, unknown>,
    readonly data: Record<string, unknown>,
  ) {
    super(code);
  }
}

export class Api {
  constructor(
    readonly base: string,
    public flow = '',
    public csrf = '',
  ) {}

  async call<T>(path: string, body?: unknown, method = 'POST'): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { ...(method === 'POST' ? { 'content-type': 'application/json' } : {}), ...(this.flow ? { 'x-gatehouse-flow': this.flow, 'x-gatehouse-csrf': this.csrf } : {}) },
        ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
        credentials: 'omit',
      });
    } catch {
      throw new ApiError('network', 0, '', {}, {});
    }
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) {
      const data = (json.data as Record<string, unknown>) ?? {};
      throw new ApiError(String(json.error ?? 'internal.error'), res.status, String(json.message ?? ''), (json.params as Record<string, unknown>) ?? data, data);
    }
    return json as T;
  }
}
