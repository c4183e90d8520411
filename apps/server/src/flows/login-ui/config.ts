import type { LoginMethodRegistry } from '../../login-methods/registry.js';
import type { FieldDescription } from '../../login-methods/types.js';
import type { ResolvedBranding } from '../../services/branding/types.js';

/**
 * What the login UI shows for an application: the ways in it enables (the app's `loginConfig`,
 * the login-method registry's `describe()` for methods with a form), registration, the
 * connections (social and enterprise buttons) and the resolved branding. Public: it holds no
 * secret and is the same for every visitor of the app.
 */
export type TabKind = 'password' | 'sms' | 'email' | 'qrcode' | 'passkey' | 'method';

export interface LoginTab {
  id: string;
  kind: TabKind;
  /** The login method the tab signs in with. */
  method: string;
  /** Password tab: which identifiers the account field accepts. */
  identifiers?: Array<'phone' | 'email' | 'username'>;
  /** Methods from the registry: their label and fields (rendered generically). */
  label?: { en: string; zh: string };
  fields?: FieldDescription[];
}

/**
 * A social or enterprise connection button (the federation work fills this list through
 * `LoginUi.useConnections`). The page posts a form with the flow handle and anti-forgery token
 * (`flow`, `csrf`) to `startUrl`; the connection finishes the sign-in through the engine and
 * `LoginUi.finishExternal`.
 */
export interface LoginConnection {
  id: string;
  kind: 'social' | 'enterprise';
  name: string;
  label?: Partial<Record<'en' | 'zh-CN' | 'zh-TW' | 'ja', string>>;
  logo?: string;
  startUrl: string;
  /** A connection that signs in by a QR code drawn in the page (WeChat official account, mini-program code): where to ask for it (flows/social/scan.ts). */
  qrUrl?: string;
  /**
   * The vendor's QR page framed inside the login page (DingTalk, WeCom with `display: 'embedded'`):
   * `url` answers the frame's address and state for the page's flow (flows/social/round-trip.ts
   * `startEmbeddedFromLoginUi`); `origin` is the frame's origin — the hosted page's CSP `frame-src`.
   */
  embed?: { url: string; origin: string; delivery: 'post-message' | 'top-navigation' };
}

export interface LoginUiConfig {
  app: { id: string; name: string };
  pool: { id: string };
  branding: ResolvedBranding;
  tabs: LoginTab[];
  defaultTab: string;
  registration: { enabled: boolean; methods: Array<'password' | 'sms' | 'email'>; merge: boolean };
  connections: LoginConnection[];
  languages: readonly ['en', 'zh-CN', 'zh-TW', 'ja'];
}

export const BUILT_IN_METHODS = new Set(['password', 'passcode', 'qrcode', 'jitai', 'webauthn']);

export function buildTabs(enabled: readonly string[], methods: LoginMethodRegistry, order: readonly string[]): LoginTab[] {
  const tabs: LoginTab[] = [];
  const identifiers = (['PHONE_PASSWORD', 'EMAIL_PASSWORD', 'USERNAME_PASSWORD'] as const).filter((m) => enabled.includes(m)).map((m) => m.split('_')[0]!.toLowerCase() as 'phone' | 'email' | 'username');
  if (identifiers.length || enabled.length === 0) tabs.push({ id: 'password', kind: 'password', method: 'password', identifiers: identifiers.length ? identifiers : ['phone', 'email', 'username'] });
  if (enabled.includes('PHONE_CODE')) tabs.push({ id: 'sms', kind: 'sms', method: 'passcode' });
  if (enabled.includes('EMAIL_CODE')) tabs.push({ id: 'email', kind: 'email', method: 'passcode' });
  if (enabled.includes('SELF_BUILT_APP_QRCODE')) tabs.push({ id: 'qrcode', kind: 'qrcode', method: 'qrcode' });
  // Passwordless passkeys (login-methods/webauthn, docs/mfa.md): the page asks the browser, then signs in with the assertion.
  if (enabled.includes('PASSKEY') && methods.get('webauthn')) tabs.push({ id: 'passkey', kind: 'passkey', method: 'webauthn' });
  for (const m of methods.all()) {
    const d = m.describe();
    if (!BUILT_IN_METHODS.has(m.id) && d.fields.length > 0) tabs.push({ id: m.id, kind: 'method', method: m.id, label: d.label, fields: d.fields });
  }
  const rank = (id: string) => {
    const i = order.indexOf(id);
    return i === -1 ? order.length : i;
  };
  return tabs.map((t, i) => ({ t, i })).sort((a, b) => rank(a.t.id) - rank(b.t.id) || a.i - b.i).map((x) => x.t);
}

/**
 * The tabs of registered methods that decide per application (`availableFor`: a directory tab
 * only where the app has a connection, labelled with its name) are dropped or relabelled here.
 */
export async function tabsForApp(tabs: LoginTab[], methods: LoginMethodRegistry, ctx: { poolId: string; appId: string }): Promise<LoginTab[]> {
  const out: LoginTab[] = [];
  for (const t of tabs) {
    const m = t.kind === 'method' ? methods.get(t.method) : undefined;
    if (!m?.availableFor) {
      out.push(t);
      continue;
    }
    const a = await m.availableFor(ctx);
    if (a) out.push(a.label ? { ...t, label: a.label } : t);
  }
  return out;
}

export function defaultTabOf(tabs: LoginTab[], defaultLoginMethod: unknown): string {
  const type = (defaultLoginMethod as { connectionType?: string } | undefined)?.connectionType;
  const want = type === 'PASSCODE' ? ['sms', 'email'] : type === 'QRCODE' ? ['qrcode'] : type === 'PASSWORD' ? ['password'] : [];
  return tabs.find((t) => want.includes(t.id))?.id ?? tabs[0]?.id ?? 'password';
}
