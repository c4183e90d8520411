import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { Api, ApiError, type Agreement, type Config, type Connection, type Outcome, type Tab } from './api.js';
import { ERROR_TEXT } from './errors.js';
import { fmt, LANG_NAMES, LANGS, STRINGS, type Lang, type Strings } from './i18n.js';
import { STEP_COMPONENTS, type StepProps } from './steps.js';
// Step screens register themselves in STEP_COMPONENTS.
import './mfa-step.js';
import './profile-step.js';
import { PasskeyPanel, passkeyTabLabel } from './passkey.js';
import { canEmbed, EmbedPanel } from './embed-panel.js';
import { usePopupFlow } from './element-popup.js';

/**
 * The login UI: one component tree for the hosted page and the <gatehouse-login> element. It
 * renders what the login API offers for the app (tabs, registration, connections, branding) and
 * every answer of the engine: a refusal (in the visitor's language, by error code), a captcha,
 * a waiting step (by step name, see steps.tsx), or the finish.
 */
export interface Boot {
  /** `preview`: the console's branding preview (preview.ts), no sign-in flow behind it. */
  mode: 'interaction' | 'standalone' | 'preview';
  screen: 'login' | 'consent' | 'error' | 'step';
  /** screen 'step': a step a provider's callback reached (the page opens on it); `via` is the connection's id. */
  step?: { name: string; data: Record<string, unknown>; via?: string };
  lang: Lang;
  apiBase?: string;
  flow?: string;
  csrf?: string;
  config?: Config;
  tab?: string;
  actions?: { abort?: string; complete?: string; confirm?: string };
  consent?: { appName: string; scopes: string[] };
  session?: { name: string; account: string } | null;
  error?: { code: string };
}

export interface AppProps {
  boot: Boot;
  /** Standalone mode: the token set of a finished sign-in (the element's `login` event). */
  onTokens?: (detail: { tokens: Record<string, unknown>; userId: string }, registered: boolean) => void;
  onError?: (detail: { code: string; message: string }) => void;
  onClose?: () => void;
  /** Where the app is mounted (the document or a shadow root), for focus handling. */
  root?: ParentNode;
}

type Screen = { name: 'login' } | { name: 'register' } | { name: 'forgot' } | { name: 'step'; step: string; data: Record<string, unknown>; via?: string } | { name: 'done' } | { name: 'consent' } | { name: 'error'; code: string };

/** A hidden form posted to an interaction action: the browser follows the 303 like any form (no JS redirect, works with the interaction cookie). */
function postForm(action: string, fields: Record<string, string>) {
  const f = document.createElement('form');
  f.method = 'post';
  f.action = action;
  for (const [k, v] of Object.entries(fields)) {
    const i = document.createElement('input');
    i.type = 'hidden';
    i.name = k;
    i.value = v;
    f.appendChild(i);
  }
  document.body.appendChild(f);
  f.submit();
}

function initialScreen(boot: Boot): Screen {
  if (boot.screen === 'consent') return { name: 'consent' };
  if (boot.screen === 'error') return { name: 'error', code: boot.error?.code ?? 'internal.error' };
  if (boot.screen === 'step' && boot.step) return { name: 'step', step: boot.step.name, data: boot.step.data, ...(boot.step.via ? { via: boot.step.via } : {}) };
  return { name: 'login' };
}

export function App(props: AppProps) {
  const { boot } = props;
  const cfg = boot.config;
  const [lang, setLang] = useState<Lang>(boot.lang);
  const t = STRINGS[lang];
  const api = useRef(new Api(boot.apiBase ?? '', boot.flow ?? '', boot.csrf ?? '')).current;
  const [screen, setScreen] = useState<Screen>(initialScreen(boot));
  const [busy, setBusy] = useState(false);

  /** Runs an API call with the busy state; returns the error instead of throwing. */
  async function run<T>(fn: () => Promise<T>): Promise<{ ok: T } | { err: ApiError }> {
    setBusy(true);
    try {
      return { ok: await fn() };
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError('internal.error', 0, '', {}, {});
      props.onError?.({ code: err.code, message: errorText(err, lang) });
      return { err };
    } finally {
      setBusy(false);
    }
  }

  function handleOutcome(o: Outcome, registered = false) {
    if (o.status === 'step') return setScreen({ name: 'step', step: o.step, data: o.data });
    if (o.finish.kind === 'interaction') return postForm(o.finish.action, { flow: api.flow, csrf: api.csrf });
    setScreen({ name: 'done' });
    props.onTokens?.({ tokens: o.finish.tokens, userId: o.finish.userId }, registered);
  }

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const ctx: Ctx = { t, lang, api, cfg: cfg!, busy, run, handleOutcome, setScreen, boot };
  let body: ComponentChildren;
  switch (screen.name) {
    case 'consent':
      body = <Consent ctx={ctx} />;
      break;
    case 'error':
      body = <ErrorScreen ctx={ctx} code={screen.code} />;
      break;
    case 'done':
      body = (
        <p role="status" class="gh-info">
          {t.signedIn}
        </p>
      );
      break;
    case 'register':
      body = <Register ctx={ctx} />;
      break;
    case 'forgot':
      body = <Forgot ctx={ctx} />;
      break;
    case 'step':
      body = <StepHost ctx={ctx} step={screen.step} data={screen.data} via={screen.via} />;
      break;
    default:
      body = <Login ctx={ctx} />;
  }
  const b = cfg?.branding;
  return (
    <main class="gh-card" aria-busy={busy}>
      <header class="gh-head">
        {b?.logo ? <img class="gh-logo" src={b.logo} alt="" width={48} height={48} /> : null}
        {b?.showChangeLanguageButton !== false ? (
          <label class="gh-lang">
            <span class="gh-sr">{t.language}</span>
            <select value={lang} onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value as Lang)}>
              {LANGS.map((l) => (
                <option value={l} lang={l} key={l}>
                  {LANG_NAMES[l]}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </header>
      {body}
      {props.onClose ? (
        <button type="button" class="gh-secondary" onClick={props.onClose}>
          {t.close}
        </button>
      ) : null}
    </main>
  );
}

export interface Ctx {
  t: Strings;
  lang: Lang;
  api: Api;
  cfg: Config;
  busy: boolean;
  boot: Boot;
  run: <T>(fn: () => Promise<T>) => Promise<{ ok: T } | { err: ApiError }>;
  handleOutcome: (o: Outcome, registered?: boolean) => void;
  setScreen: (s: Screen) => void;
}

export function errorText(err: { code: string; serverMessage?: string; params?: Record<string, unknown> }, lang: Lang): string {
  const own = ERROR_TEXT[err.code];
  if (own) return fmt(own[lang], (err.params ?? {}) as Record<string, string>);
  return err.serverMessage || ERROR_TEXT['internal.error']![lang];
}

function Alert({ error, lang }: { error: ApiError | null; lang: Lang }) {
  if (!error) return null;
  return (
    <p role="alert" class="gh-error">
      {errorText(error, lang)}
    </p>
  );
}

let uid = 0;
/** Off in the console's branding preview: the framed page must not take the focus from the editor (preview.ts). */
let autofocusAllowed = true;
export const disableAutofocus = () => {
  autofocusAllowed = false;
};
/** A labelled input (label `for` the input, autocomplete hints, errors announced by the alert above the form). */
export function Field(p: { label: string; name: string; type?: string; value: string; onInput: (v: string) => void; autocomplete?: string; inputMode?: string; autofocus?: boolean; required?: boolean }) {
  const id = useRef(`gh-${p.name}-${++uid}`).current;
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (p.autofocus && autofocusAllowed) ref.current?.focus();
  }, []);
  return (
    <div class="gh-field">
      <label for={id}>{p.label}</label>
      <input
        ref={ref}
        id={id}
        name={p.name}
        type={(p.type ?? 'text') as 'text'}
        value={p.value}
        autocomplete={p.autocomplete}
        inputMode={p.inputMode as 'numeric' | undefined}
        autocapitalize="none"
        spellcheck={false}
        required={p.required !== false}
        onInput={(e) => p.onInput((e.currentTarget as HTMLInputElement).value)}
      />
    </div>
  );
}

/** The captcha the attempt guard asked for: an image bound to this page's flow and its answer. */
function Captcha({ ctx, value, onChange }: { ctx: Ctx; value: { token: string; code: string; image: string } | null; onChange: (v: { token: string; code: string; image: string } | null) => void }) {
  async function refresh() {
    const r = await ctx.run(() => ctx.api.call<{ token: string; image: string }>('/captcha'));
    if ('ok' in r) onChange({ token: r.ok.token, image: r.ok.image, code: '' });
  }
  useEffect(() => {
    if (value && !value.image) void refresh();
  }, [value?.image]);
  if (!value) return null;
  return (
    <div class="gh-captcha">
      {value.image ? <img src={value.image} alt={ctx.t.captchaAlt} width={120} height={40} /> : null}
      <button type="button" class="gh-link" onClick={refresh}>
        {ctx.t.newImage}
      </button>
      <Field label={ctx.t.captcha} name="captchaCode" value={value.code} onInput={(code) => onChange({ ...value, code })} autocomplete="off" autofocus />
    </div>
  );
}

/** Agreements of a page: required ones must be ticked (the server checks too). `[title](https://…)` becomes a link. */
function Agreements({ list, accepted, onChange, ctx }: { list: Agreement[]; accepted: string[]; onChange: (ids: string[]) => void; ctx: Ctx }) {
  if (!list.length) return null;
  const parts = (text: string) => {
    const out: ComponentChildren[] = [];
    let last = 0;
    for (const m of text.matchAll(/\[([^\]]{1,200})\]\((https:\/\/[^\s)]{1,500})\)/g)) {
      out.push(text.slice(last, m.index));
      out.push(
        <a href={m[2]} target="_blank" rel="noopener noreferrer">
          {m[1]}
        </a>,
      );
      last = m.index! + m[0].length;
    }
    out.push(text.slice(last));
    return out;
  };
  return (
    <fieldset class="gh-agreements">
      <legend class="gh-sr">{ctx.t.agreementsLabel}</legend>
      {list.map((a) => (
        <label class="gh-check" key={a.id}>
          <input type="checkbox" name={`agreement-${a.id}`} checked={accepted.includes(a.id)} onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked ? [...accepted, a.id] : accepted.filter((x) => x !== a.id))} />
          <span>
            {parts(a.content)}
            {a.isRequired ? <span class="gh-muted"> {ctx.t.agreeRequired}</span> : null}
          </span>
        </label>
      ))}
    </fieldset>
  );
}

const AGREEMENT_LANG: Record<Lang, string> = { en: 'en-US', 'zh-CN': 'zh-CN', 'zh-TW': 'zh-TW', ja: 'ja-JP' };
/** The same selection as the server: this language's agreements, else English, else all. */
export function agreementsFor(cfg: Config, page: 'LoginPage' | 'RegisterPage', lang: Lang): Agreement[] {
  const onPage = cfg.branding.agreements.filter((a) => a.displayAt.includes(page));
  const own = onPage.filter((a) => a.lang === AGREEMENT_LANG[lang]);
  if (own.length) return own;
  const en = onPage.filter((a) => a.lang === 'en-US');
  return en.length ? en : onPage;
}
const agreementsMissing = (list: Agreement[], accepted: string[]) => list.some((a) => a.isRequired && !accepted.includes(a.id));

/** Resend timer of a code: counts down from the server's `resendAfter` (or the quota's retryAfter). */
function useCountdown(): [number, (s: number) => void] {
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (left <= 0) return;
    const id = setTimeout(() => setLeft(left - 1), 1000);
    return () => clearTimeout(id);
  }, [left]);
  return [left, setLeft];
}

function tabLabel(tab: Tab, t: Strings, lang: Lang) {
  if (tab.kind === 'password') return t.tabPassword;
  if (tab.kind === 'sms') return t.tabSms;
  if (tab.kind === 'email') return t.tabEmail;
  if (tab.kind === 'qrcode') return t.tabQrcode;
  if (tab.kind === 'passkey') return passkeyTabLabel(lang);
  return tab.label ? (lang.startsWith('zh') ? tab.label.zh : tab.label.en) : tab.id;
}

function Login({ ctx }: { ctx: Ctx }) {
  const { t, cfg, lang } = ctx;
  const initial = cfg.tabs.find((x) => x.id === ctx.boot.tab) ?? cfg.tabs.find((x) => x.id === cfg.defaultTab) ?? cfg.tabs[0];
  const [tabId, setTabId] = useState(initial?.id ?? 'password');
  const tab = cfg.tabs.find((x) => x.id === tabId) ?? initial;
  const [session, setSession] = useState(ctx.boot.session ?? null);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});

  function onTabKey(e: KeyboardEvent, i: number) {
    const n = cfg.tabs.length;
    const to = e.key === 'ArrowRight' ? (i + 1) % n : e.key === 'ArrowLeft' ? (i - 1 + n) % n : e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    setTabId(cfg.tabs[to]!.id);
    tabRefs.current[cfg.tabs[to]!.id]?.focus();
  }

  return (
    <>
      <h1>{t.signIn}</h1>
      <p class="gh-lead">{fmt(cfg.registration.merge ? t.signInOrRegister : t.signInTo, { app: cfg.app.name })}</p>
      {session ? (
        <div class="gh-session">
          <p>{fmt(t.continueAs, { name: session.name })}</p>
          <button type="button" class="gh-link" onClick={() => setSession(null)}>
            {t.notYou}
          </button>
        </div>
      ) : null}
      {cfg.tabs.length > 1 ? (
        <div role="tablist" aria-label={t.waysIn} class="gh-tabs">
          {cfg.tabs.map((x, i) => (
            <button
              type="button"
              role="tab"
              key={x.id}
              id={`gh-tab-${x.id}`}
              ref={(el) => {
                tabRefs.current[x.id] = el;
              }}
              aria-selected={x.id === tab?.id}
              aria-controls="gh-panel"
              tabIndex={x.id === tab?.id ? 0 : -1}
              onClick={() => setTabId(x.id)}
              onKeyDown={(e) => onTabKey(e as unknown as KeyboardEvent, i)}
            >
              {tabLabel(x, t, lang)}
            </button>
          ))}
        </div>
      ) : null}
      <div id="gh-panel" role={cfg.tabs.length > 1 ? 'tabpanel' : undefined} aria-labelledby={cfg.tabs.length > 1 ? `gh-tab-${tab?.id}` : undefined}>
        {tab?.kind === 'qrcode' ? (
          <QrPanel ctx={ctx} key="qr" />
        ) : tab?.kind === 'passkey' ? (
          <PasskeyPanel
            key="passkey"
            appId={cfg.app.id}
            apiBase={ctx.api.base}
            lang={lang}
            busy={ctx.busy}
            signIn={async (input) => {
              const r = await ctx.run(() => ctx.api.call<Outcome>('/sign-in', { tab: 'passkey', input, lang, agreements: [] }));
              if ('err' in r) throw r.err;
              ctx.handleOutcome(r.ok);
            }}
          />
        ) : tab ? (
          <SignInForm ctx={ctx} tab={tab} key={tab.id} account={session?.account ?? ''} />
        ) : null}
      </div>
      <Connections ctx={ctx} />
      <nav class="gh-links">
        {cfg.branding.showForgetPasswordButton && tab?.kind === 'password' ? (
          <button type="button" class="gh-link" onClick={() => ctx.setScreen({ name: 'forgot' })}>
            {t.forgot}
          </button>
        ) : null}
        {cfg.registration.enabled && !cfg.registration.merge ? (
          <span>
            {t.noAccount}{' '}
            <button type="button" class="gh-link" onClick={() => ctx.setScreen({ name: 'register' })}>
              {t.createAccount}
            </button>
          </span>
        ) : null}
      </nav>
      {ctx.boot.actions?.abort ? (
        <form method="post" action={ctx.boot.actions.abort}>
          <button type="submit" class="gh-secondary">
            {t.cancel}
          </button>
        </form>
      ) : null}
    </>
  );
}

/** Password, SMS code, email code or a registered method's own fields: one form, one `sign-in` call. */
function SignInForm({ ctx, tab, account }: { ctx: Ctx; tab: Tab; account: string }) {
  const { t, lang } = ctx;
  const [values, setValues] = useState<Record<string, string>>(account ? { account } : {});
  const [error, setError] = useState<ApiError | null>(null);
  const [info, setInfo] = useState('');
  const [captcha, setCaptcha] = useState<{ token: string; code: string; image: string } | null>(null);
  const [left, setLeft] = useCountdown();
  const [accepted, setAccepted] = useState<string[]>([]);
  const agreements = agreementsFor(ctx.cfg, 'LoginPage', lang);
  const set = (k: string) => (v: string) => setValues({ ...values, [k]: v });
  const isCode = tab.kind === 'sms' || tab.kind === 'email';
  const to = tab.kind === 'sms' ? 'phone' : 'email';

  function refused(err: ApiError) {
    setError(err);
    if (err.data.captcha) setCaptcha({ token: '', code: '', image: '' });
    if (err.code === 'passcode.send_limited') setLeft(Number(err.params.retryAfter) || 60);
  }

  async function sendCode() {
    setError(null);
    const r = await ctx.run(() => ctx.api.call<{ resendAfter: number }>('/send-code', { channel: tab.kind, purpose: 'login', to: values[to] ?? '', lang, ...(captcha ? { captcha: { token: captcha.token, code: captcha.code } } : {}) }));
    if ('err' in r) return refused(r.err);
    setCaptcha(null);
    setInfo(fmt(t.codeSent, { to: values[to] ?? '' }));
    setLeft(r.ok.resendAfter);
  }

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    if (agreementsMissing(agreements, accepted)) return setError(new ApiError('login.agreement_required', 400, '', {}, {}));
    const r = await ctx.run(() => ctx.api.call<Outcome>('/sign-in', { tab: tab.id, input: values, lang, agreements: accepted, ...(captcha ? { captcha: { token: captcha.token, code: captcha.code } } : {}) }));
    if ('err' in r) {
      // A captcha is single use: a refused try needs a new image.
      if (captcha) setCaptcha({ token: '', code: '', image: '' });
      return refused(r.err);
    }
    ctx.handleOutcome(r.ok);
  }

  const accountLabel = tab.identifiers?.length === 1 ? (tab.identifiers[0] === 'email' ? t.accountEmail : tab.identifiers[0] === 'phone' ? t.accountPhone : t.accountUsername) : t.account;
  return (
    <form onSubmit={submit} noValidate>
      <Alert error={error} lang={lang} />
      {info ? (
        <p role="status" class="gh-info">
          {info}
        </p>
      ) : null}
      {tab.kind === 'password' ? (
        <>
          <Field label={accountLabel} name="account" value={values.account ?? ''} onInput={set('account')} autocomplete="username" autofocus={!account} />
          <Field label={t.password} name="password" type="password" value={values.password ?? ''} onInput={set('password')} autocomplete="current-password" autofocus={!!account} />
        </>
      ) : isCode ? (
        <>
          <Field label={tab.kind === 'sms' ? t.phone : t.email} name={to} type={tab.kind === 'sms' ? 'tel' : 'email'} value={values[to] ?? ''} onInput={set(to)} autocomplete={tab.kind === 'sms' ? 'tel' : 'email'} autofocus />
          <button type="button" class="gh-secondary" disabled={left > 0 || ctx.busy} onClick={sendCode}>
            {left > 0 ? fmt(t.resendIn, { s: left }) : t.sendCode}
          </button>
          <Field label={t.code} name="passCode" value={values.passCode ?? ''} onInput={set('passCode')} autocomplete="one-time-code" inputMode="numeric" />
        </>
      ) : (
        (tab.fields ?? []).map((f) => (
          <Field key={f.name} label={lang.startsWith('zh') ? f.label.zh : f.label.en} name={f.name} type={f.type === 'code' ? 'text' : f.type} value={values[f.name] ?? ''} onInput={set(f.name)} autocomplete={f.autocomplete} />
        ))
      )}
      <Captcha ctx={ctx} value={captcha} onChange={setCaptcha} />
      <Agreements list={agreements} accepted={accepted} onChange={setAccepted} ctx={ctx} />
      <button type="submit" class="gh-primary" disabled={ctx.busy}>
        {t.submit}
      </button>
    </form>
  );
}

/** Scan with the app: a QR code bound to this page's flow, polled for its status; the confirmation signs in through the engine. */
function QrPanel({ ctx }: { ctx: Ctx }) {
  const { t } = ctx;
  const [qr, setQr] = useState<{ image: string } | null>(null);
  const [status, setStatus] = useState('PENDING');
  const [who, setWho] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  async function start() {
    setError(null);
    setStatus('PENDING');
    const r = await ctx.run(() => ctx.api.call<{ image: string }>('/qrcode'));
    if ('err' in r) return setError(r.err);
    setQr(r.ok);
  }
  useEffect(() => {
    void start();
  }, []);
  useEffect(() => {
    if (!qr || status === 'EXPIRED' || status === 'CANCELLED') return;
    let stop = false;
    const id = setInterval(async () => {
      try {
        const s = await ctx.api.call<{ status: string; scannedBy?: { nickname: string }; outcome?: Outcome }>('/qrcode/status');
        if (stop) return;
        setStatus(s.status);
        if (s.scannedBy) setWho(s.scannedBy.nickname);
        if (s.outcome) {
          clearInterval(id);
          ctx.handleOutcome(s.outcome);
        }
      } catch (e) {
        clearInterval(id);
        setError(e as ApiError);
      }
    }, 1500);
    return () => {
      stop = true;
      clearInterval(id);
    };
  }, [qr, status === 'EXPIRED' || status === 'CANCELLED']);
  const text = status === 'SCANNED' ? fmt(t.qrScanned, { name: who }) : status === 'EXPIRED' ? t.qrExpired : status === 'CANCELLED' ? t.qrCancelled : t.qrHint;
  return (
    <div class="gh-qr">
      <Alert error={error} lang={ctx.lang} />
      {qr ? <img src={qr.image} alt={t.qrAlt} width={200} height={200} /> : null}
      <p role="status" aria-live="polite">
        {text}
      </p>
      {status === 'EXPIRED' || status === 'CANCELLED' || error ? (
        <button type="button" class="gh-secondary" onClick={start}>
          {t.qrRefresh}
        </button>
      ) : null}
    </div>
  );
}

/** Social and enterprise buttons: whatever the app's connection list holds (filled by the federation work). */
function Connections({ ctx }: { ctx: Ctx }) {
  const [scan, setScan] = useState<Connection | null>(null);
  const [refused, setRefused] = useState<ApiError | null>(null);
  // The element (standalone flow): the round trip runs in a popup (element-popup.ts).
  const standalone = ctx.boot.mode === 'standalone';
  const popup = usePopupFlow(ctx.api.base, (o) => ctx.handleOutcome(o), (code) => setRefused(new ApiError(code, 400, '', {}, {})));
  if (!ctx.cfg.connections.length) return null;
  // The config's URLs are Gatehouse's own paths: the element runs on another origin, so there
  // they are made absolute; the hosted page keeps them as they are (same origin).
  const onServer = (u: string) => (standalone ? new URL(u, new URL(ctx.api.base || '/', location.href)).toString() : u);
  return (
    <section class="gh-connections" aria-label={ctx.t.socialTitle}>
      <p class="gh-or">{ctx.t.or}</p>
      <Alert error={refused} lang={ctx.lang} />
      {scan?.embed ? <EmbedPanel key={scan.id} conn={scan} name={scan.label?.[ctx.lang] ?? scan.name} t={ctx.t} flow={ctx.api.flow} csrf={ctx.api.csrf} /> : scan ? <ScanPanel ctx={ctx} conn={scan} /> : null}
      {ctx.cfg.connections.map((c) =>
        c.qrUrl || (c.embed && ctx.boot.mode === 'interaction' && canEmbed()) ? (
          <button type="button" class="gh-secondary gh-conn" key={c.id} aria-expanded={scan?.id === c.id} onClick={() => setScan(c)}>
            {c.logo ? <img src={onServer(c.logo)} alt="" width={20} height={20} /> : null}
            {c.label?.[ctx.lang] ?? c.name}
          </button>
        ) : (
          <form method="post" action={onServer(c.startUrl)} key={c.id} {...(standalone ? { target: popup.name, onSubmit: () => (setRefused(null), popup.open()) } : {})}>
            <input type="hidden" name="flow" value={ctx.api.flow} />
            <input type="hidden" name="csrf" value={ctx.api.csrf} />
            <button type="submit" class="gh-secondary gh-conn">
              {c.logo ? <img src={onServer(c.logo)} alt="" width={20} height={20} /> : null}
              {c.label?.[ctx.lang] ?? c.name}
            </button>
          </form>
        ),
      )}
    </section>
  );
}

/**
 * A WeChat official-account or mini-program code drawn in the page (server: flows/social/scan.ts):
 * asked for with this page's flow, polled until the scan is acted on, then the page continues
 * where the server says (the same form post as after a redirect sign-in).
 */
function ScanPanel({ ctx, conn }: { ctx: Ctx; conn: Connection }) {
  const { t } = ctx;
  const [qr, setQr] = useState<{ scene: string; imageUrl: string } | null>(null);
  const [expired, setExpired] = useState(false);
  const [failed, setFailed] = useState('');
  async function start() {
    setFailed('');
    setExpired(false);
    setQr(null);
    const res = await fetch(conn.qrUrl!, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow: ctx.api.flow, csrf: ctx.api.csrf }) });
    const body = (await res.json().catch(() => ({}))) as { scene?: string; imageUrl?: string; message?: string };
    if (!res.ok || !body.scene || !body.imageUrl) return setFailed(body.message ?? t.qrExpired);
    setQr({ scene: body.scene, imageUrl: body.imageUrl });
  }
  useEffect(() => {
    void start();
  }, [conn.id]);
  useEffect(() => {
    if (!qr || expired) return;
    let stop = false;
    const id = setInterval(async () => {
      const res = await fetch(`${conn.qrUrl}/${encodeURIComponent(qr.scene)}`, { credentials: 'same-origin' }).catch(() => null);
      if (stop || !res) return;
      const s = (await res.json().catch(() => ({}))) as { status?: string; continue?: { action: string; fields: Record<string, string> }; step?: string; data?: Record<string, unknown>; error?: { message: string }; message?: string };
      if (s.status === 'pending') return;
      clearInterval(id);
      if (s.status === 'expired') return setExpired(true);
      // A step (MFA …) of this page's flow: shown here, answered through the login API like after a password.
      if (s.status === 'step' && s.step) return ctx.setScreen({ name: 'step', step: s.step, data: s.data ?? {}, via: conn.id });
      if (s.status === 'signed_in' && s.continue) {
        const f = document.createElement('form');
        f.method = 'post';
        f.action = s.continue.action;
        for (const [k, v] of Object.entries(s.continue.fields)) {
          const i = document.createElement('input');
          i.type = 'hidden';
          i.name = k;
          i.value = v;
          f.appendChild(i);
        }
        document.body.appendChild(f);
        f.submit();
        return;
      }
      setFailed(s.error?.message ?? s.message ?? t.qrExpired);
    }, 1500);
    return () => {
      stop = true;
      clearInterval(id);
    };
  }, [qr, expired]);
  return (
    <div class="gh-qr" data-connection={conn.id}>
      {qr ? <img src={qr.imageUrl} alt={fmt(t.scanAlt, { name: conn.label?.[ctx.lang] ?? conn.name })} width={200} height={200} /> : null}
      <p role="status" aria-live="polite">
        {failed || (expired ? t.qrExpired : fmt(t.scanHint, { name: conn.label?.[ctx.lang] ?? conn.name }))}
      </p>
      {expired || failed ? (
        <button type="button" class="gh-secondary" onClick={start}>
          {t.qrRefresh}
        </button>
      ) : null}
    </div>
  );
}

function Register({ ctx }: { ctx: Ctx }) {
  const { t, lang, cfg } = ctx;
  const [method, setMethod] = useState(cfg.registration.methods[0] ?? 'password');
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [info, setInfo] = useState('');
  const [accepted, setAccepted] = useState<string[]>([]);
  const [left, setLeft] = useCountdown();
  const agreements = agreementsFor(cfg, 'RegisterPage', lang);
  const set = (k: string) => (v: string) => setValues({ ...values, [k]: v });
  const to = method === 'sms' ? 'phone' : 'email';

  async function sendCode() {
    setError(null);
    const r = await ctx.run(() => ctx.api.call<{ resendAfter: number }>('/send-code', { channel: method, purpose: 'register', to: values[to] ?? '', lang }));
    if ('err' in r) {
      setError(r.err);
      if (r.err.code === 'passcode.send_limited') setLeft(Number(r.err.params.retryAfter) || 60);
      return;
    }
    setInfo(fmt(t.codeSent, { to: values[to] ?? '' }));
    setLeft(r.ok.resendAfter);
  }
  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    if (agreementsMissing(agreements, accepted)) return setError(new ApiError('login.agreement_required', 400, '', {}, {}));
    const r = await ctx.run(() => ctx.api.call<Outcome>('/register', { method, input: values, agreements: accepted, lang }));
    if ('err' in r) return setError(r.err);
    ctx.handleOutcome(r.ok, true);
  }
  return (
    <>
      <h1>{t.registerTitle}</h1>
      {cfg.registration.methods.length > 1 ? (
        <fieldset class="gh-choice">
          <legend>{t.registerWith}</legend>
          {cfg.registration.methods.map((m) => (
            <label class="gh-check" key={m}>
              <input type="radio" name="regMethod" value={m} checked={m === method} onChange={() => setMethod(m)} />
              <span>{m === 'password' ? t.regPassword : m === 'sms' ? t.regSms : t.regEmail}</span>
            </label>
          ))}
        </fieldset>
      ) : null}
      <form onSubmit={submit} noValidate>
        <Alert error={error} lang={lang} />
        {info ? (
          <p role="status" class="gh-info">
            {info}
          </p>
        ) : null}
        {method === 'password' ? (
          <>
            <Field label={t.email} name="email" type="email" value={values.email ?? ''} onInput={set('email')} autocomplete="email" autofocus />
            <Field label={t.password} name="password" type="password" value={values.password ?? ''} onInput={set('password')} autocomplete="new-password" />
            <Field label={t.passwordAgain} name="passwordAgain" type="password" value={values.passwordAgain ?? ''} onInput={set('passwordAgain')} autocomplete="new-password" />
          </>
        ) : (
          <>
            <Field label={method === 'sms' ? t.phone : t.email} name={to} type={method === 'sms' ? 'tel' : 'email'} value={values[to] ?? ''} onInput={set(to)} autocomplete={method === 'sms' ? 'tel' : 'email'} autofocus />
            <button type="button" class="gh-secondary" disabled={left > 0 || ctx.busy} onClick={sendCode}>
              {left > 0 ? fmt(t.resendIn, { s: left }) : t.sendCode}
            </button>
            <Field label={t.code} name="passCode" value={values.passCode ?? ''} onInput={set('passCode')} autocomplete="one-time-code" inputMode="numeric" />
          </>
        )}
        <Agreements list={agreements} accepted={accepted} onChange={setAccepted} ctx={ctx} />
        <button type="submit" class="gh-primary" disabled={ctx.busy}>
          {t.registerSubmit}
        </button>
      </form>
      <p class="gh-links">
        {t.haveAccount}{' '}
        <button type="button" class="gh-link" onClick={() => ctx.setScreen({ name: 'login' })}>
          {t.signIn}
        </button>
      </p>
    </>
  );
}

function Forgot({ ctx }: { ctx: Ctx }) {
  const { t, lang } = ctx;
  const channels = (['email', 'sms'] as const).filter((c) => c === 'email' || ctx.cfg.tabs.some((x) => x.kind === 'sms'));
  const [channel, setChannel] = useState<'email' | 'sms'>('email');
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [info, setInfo] = useState('');
  const [done, setDone] = useState(false);
  const [left, setLeft] = useCountdown();
  const set = (k: string) => (v: string) => setValues({ ...values, [k]: v });
  async function sendCode() {
    setError(null);
    const r = await ctx.run(() => ctx.api.call<{ resendAfter: number }>('/send-code', { channel, purpose: 'reset', to: values.to ?? '', lang }));
    if ('err' in r) return setError(r.err);
    setInfo(fmt(t.codeSent, { to: values.to ?? '' }));
    setLeft(r.ok.resendAfter);
  }
  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    const r = await ctx.run(() => ctx.api.call('/reset-password', { channel, to: values.to ?? '', passCode: values.passCode ?? '', password: values.password ?? '' }));
    if ('err' in r) return setError(r.err);
    setDone(true);
  }
  const back = (
    <button type="button" class="gh-link" onClick={() => ctx.setScreen({ name: 'login' })}>
      {t.backToSignIn}
    </button>
  );
  if (done)
    return (
      <>
        <h1>{t.resetTitle}</h1>
        <p role="status" class="gh-info">
          {t.resetDone}
        </p>
        {back}
      </>
    );
  return (
    <>
      <h1>{t.resetTitle}</h1>
      <p class="gh-lead">{t.resetLead}</p>
      {channels.length > 1 ? (
        <fieldset class="gh-choice">
          <legend>{t.resetBy}</legend>
          {channels.map((c) => (
            <label class="gh-check" key={c}>
              <input type="radio" name="resetChannel" value={c} checked={c === channel} onChange={() => setChannel(c)} />
              <span>{c === 'email' ? t.email : t.phone}</span>
            </label>
          ))}
        </fieldset>
      ) : null}
      <form onSubmit={submit} noValidate>
        <Alert error={error} lang={lang} />
        {info ? (
          <p role="status" class="gh-info">
            {info}
          </p>
        ) : null}
        <Field label={channel === 'sms' ? t.phone : t.email} name="to" type={channel === 'sms' ? 'tel' : 'email'} value={values.to ?? ''} onInput={set('to')} autocomplete={channel === 'sms' ? 'tel' : 'email'} autofocus />
        <button type="button" class="gh-secondary" disabled={left > 0 || ctx.busy} onClick={sendCode}>
          {left > 0 ? fmt(t.resendIn, { s: left }) : t.sendCode}
        </button>
        <Field label={t.code} name="passCode" value={values.passCode ?? ''} onInput={set('passCode')} autocomplete="one-time-code" inputMode="numeric" />
        <Field label={t.newPassword} name="password" type="password" value={values.password ?? ''} onInput={set('password')} autocomplete="new-password" />
        <button type="submit" class="gh-primary" disabled={ctx.busy}>
          {t.resetSubmit}
        </button>
      </form>
      {back}
    </>
  );
}

/**
 * A step the engine waits for, rendered by step name: a component registered in
 * `STEP_COMPONENTS` (steps.tsx) — MFA, profile completion, agreements … — or, for any other
 * step whose data lists `fields`, a generic form. Either answers through `continue`.
 */
function StepHost({ ctx, step, data, via }: { ctx: Ctx; step: string; data: Record<string, unknown>; via?: string | undefined }) {
  const [error, setError] = useState<ApiError | null>(null);
  async function answer(input: Record<string, unknown>) {
    setError(null);
    const r = await ctx.run(() => ctx.api.call<Outcome>('/continue', { step, input }));
    if ('err' in r) return setError(r.err);
    ctx.handleOutcome(r.ok);
  }
  // A step reached through a provider's callback names the connection the user came with.
  const conn = via ? ctx.cfg.connections.find((c) => c.id === via) : undefined;
  const Own = STEP_COMPONENTS[step];
  const props: StepProps = { step, data, t: ctx.t, lang: ctx.lang, busy: ctx.busy, answer, Field };
  return (
    <>
      <h1>{ctx.t.stepTitle}</h1>
      {conn ? (
        <p class="gh-info" data-testid="step-via">
          {fmt(ctx.t.viaProvider, { name: conn.label?.[ctx.lang] ?? conn.name })}
        </p>
      ) : null}
      <Alert error={error} lang={ctx.lang} />
      {Own ? <Own {...props} /> : <GenericStep {...props} />}
    </>
  );
}

function GenericStep(p: StepProps) {
  const fields = Array.isArray(p.data.fields) ? (p.data.fields as NonNullable<Tab['fields']>) : [];
  const [values, setValues] = useState<Record<string, string>>({});
  if (!fields.length) return <p>{fmt(p.t.stepUnsupported, { step: p.step })}</p>;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void p.answer(values);
      }}
      noValidate
    >
      {fields.map((f, i) => (
        <p.Field key={f.name} label={p.lang.startsWith('zh') ? f.label.zh : f.label.en} name={f.name} type={f.type === 'code' ? 'text' : f.type} value={values[f.name] ?? ''} onInput={(v) => setValues({ ...values, [f.name]: v })} autocomplete={f.autocomplete} autofocus={i === 0} />
      ))}
      <button type="submit" class="gh-primary" disabled={p.busy}>
        {p.t.continue}
      </button>
    </form>
  );
}

function Consent({ ctx }: { ctx: Ctx }) {
  const { t } = ctx;
  const c = ctx.boot.consent!;
  return (
    <>
      <h1>{t.consentTitle}</h1>
      <p class="gh-lead">{fmt(t.consentLead, { app: c.appName })}</p>
      <ul>
        {c.scopes.map((s) => (
          <li key={s}>{t.scopes[s] ?? s}</li>
        ))}
      </ul>
      <form method="post" action={ctx.boot.actions?.confirm}>
        <button type="submit" class="gh-primary">
          {t.allow}
        </button>
      </form>
      <form method="post" action={ctx.boot.actions?.abort}>
        <button type="submit" class="gh-secondary">
          {t.deny}
        </button>
      </form>
    </>
  );
}

function ErrorScreen({ ctx, code }: { ctx: Ctx; code: string }) {
  return (
    <>
      <h1>{ctx.t.errorTitle}</h1>
      <p role="alert" class="gh-error">
        {errorText({ code }, ctx.lang)}
      </p>
      <p class="gh-muted">
        <code>{code}</code>
      </p>
    </>
  );
}
