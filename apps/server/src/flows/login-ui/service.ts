import { createHash } from 'node:crypto';
import type { ErrorCode } from '@gatehouse/contracts';
import { AppError, isAppError } from '../../errors/app-error.js';
import { counterKey } from '../../login-methods/counter-keys.js';
import type { LoginMethodRegistry } from '../../login-methods/registry.js';
import type { ApplicationsService } from '../../services/applications.js';
import type { BrandingService } from '../../services/branding/service.js';
import type { Agreement, ResolvedBranding } from '../../services/branding/types.js';
import type { CaptchaService } from '../../services/captcha.js';
import type { AuthSettingsService } from '../../services/credentials/settings.js';
import type { PasswordReset } from '../../services/credentials/password-reset.js';
import type { EventService } from '../../services/events/service.js';
import type { QrCodeService } from '../../services/qrcode/service.js';
import type { LoginTokenResponseData } from '../../services/tokens/types.js';
import type { SignInEngine } from '../engine/engine.js';
import type { FinishTarget, RequestInfo, SignInResult } from '../engine/types.js';
import type { SendPasscode } from '../passcodes/send.js';
import { buildTabs, defaultTabOf, tabsForApp, type LoginConnection, type LoginUiConfig } from './config.js';
import type { UiFlow, UiFlowStore } from './store.js';

export type UiLang = 'en' | 'zh-CN' | 'zh-TW' | 'ja';
const AGREEMENT_LANG: Record<UiLang, Agreement['lang']> = { en: 'en-US', 'zh-CN': 'zh-CN', 'zh-TW': 'zh-TW', ja: 'ja-JP' };

/** What a call that drives the sign-in answers: a step to show, or the finish. */
export type FlowOutcome =
  | { status: 'step'; step: string; data: Record<string, unknown> }
  | { status: 'complete'; finish: { kind: 'interaction'; action: string } }
  | { status: 'complete'; finish: { kind: 'tokens'; tokens: LoginTokenResponseData; userId: string } };

export type ConnectionsProvider = (poolId: string, appId: string) => Promise<LoginConnection[]>;

/**
 * The captcha bound to a login-UI flow: the flow remembers the one captcha token it showed and
 * accepts only that one, and the captcha service binds the token to the flow itself
 * (`generate(poolId, { bindTo })`, checked by the engine's attempt guard with the same binding).
 */
export interface FlowCaptcha {
  generate(poolId: string, flow: UiFlow): Promise<{ token: string; image: string }>;
}

export interface LoginUiDeps {
  engine: SignInEngine;
  methods: LoginMethodRegistry;
  flows: UiFlowStore;
  branding: BrandingService;
  applications: Pick<ApplicationsService, 'get'>;
  authSettings: Pick<AuthSettingsService, 'get'>;
  captcha: Pick<CaptchaService, 'generate'>;
  /** Failed attempts on the shared counters (the attempt guard's), to show the captcha before a refusal. */
  failures(poolId: string, keys: string[]): Promise<number>;
  sendCode: SendPasscode;
  passwordReset: Pick<PasswordReset, 'verifyRequest' | 'reset'>;
  qrcode: Pick<QrCodeService, 'generate' | 'poll'>;
  events: Pick<EventService, 'emit'>;
  publicUrl: string;
}

/** A captcha of the page is bound to its flow (the captcha service stores only a digest of this). */
const captchaBinding = (handle: string) => `login-ui:${createHash('sha256').update(handle, 'utf8').digest('base64url')}`;

const CAPTCHA_CODES: readonly ErrorCode[] = ['auth.captcha_required', 'auth.captcha_invalid', 'passcode.captcha_required'];
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * The login UI's side of the sign-in engine: one API for the hosted page and the embeddable
 * element (docs/login-ui.md). Every sign-in goes through `engine.signIn` / `engine.continue`
 * (lockout, captcha, registration switches, steps, history, events and the one finish); codes
 * through `passcodes.send`; password reset through the reset service; QR codes through the QR
 * service and the `qrcode` login method. This module adds what a page needs around them: the
 * flow handle, the anti-forgery token, the captcha bound to the page, agreements, and where the
 * finish goes.
 */
export function createLoginUi(deps: LoginUiDeps) {
  let connections: ConnectionsProvider = async () => [];

  async function appOf(poolId: string, appId: string) {
    const a = await deps.applications.get(poolId, appId);
    const login = (a.loginConfig as { enabledBasicLoginMethods?: string[] }).enabledBasicLoginMethods ?? [];
    const register = (a.registerConfig as { enabledBasicRegisterMethods?: string[] }).enabledBasicRegisterMethods ?? [];
    return { app: a, login, register };
  }

  async function config(poolId: string, appId: string, branding?: ResolvedBranding): Promise<LoginUiConfig> {
    const { app, login, register } = await appOf(poolId, appId);
    const b = branding ?? (await deps.branding.resolve(poolId, appId));
    const tabs = await tabsForApp(buildTabs(login, deps.methods, b.tabOrder), deps.methods, { poolId, appId });
    const poolRegistration = (await deps.authSettings.get(poolId)).registration.enabled;
    const regMethods = poolRegistration
      ? (['password', 'sms', 'email'] as const).filter((m) => register.includes(m === 'password' ? 'EMAIL_PASSWORD' : m === 'sms' ? 'PHONE_CODE' : 'EMAIL_CODE'))
      : [];
    const all = await connections(poolId, appId).catch(() => []);
    return {
      app: { id: app.appId, name: app.appName },
      pool: { id: poolId },
      branding: b,
      tabs,
      defaultTab: defaultTabOf(tabs, (app.loginConfig as { defaultLoginMethod?: unknown }).defaultLoginMethod),
      registration: { enabled: regMethods.length > 0, methods: [...regMethods], merge: (app.loginConfig as { mergeLoginAndRegisterPage?: boolean }).mergeLoginAndRegisterPage === true },
      connections: all.filter((c) => (c.kind === 'social' ? b.showSocialConnections : b.showEnterpriseConnections)),
      languages: ['en', 'zh-CN', 'zh-TW', 'ja'] as const,
    };
  }

  /** The agreements shown on a page in a language (that language's, else English, else all). */
  function agreementsFor(b: ResolvedBranding, page: 'LoginPage' | 'RegisterPage', lang: UiLang) {
    const onPage = b.agreements.filter((a) => a.displayAt.includes(page));
    const own = onPage.filter((a) => a.lang === AGREEMENT_LANG[lang]);
    if (own.length) return own;
    const en = onPage.filter((a) => a.lang === 'en-US');
    return en.length ? en : onPage;
  }

  /** Refuses when a required agreement of the page was not accepted (the page must have shown it ticked). */
  async function checkAgreements(flow: UiFlow, page: 'LoginPage' | 'RegisterPage', lang: UiLang, accepted: unknown) {
    const b = await deps.branding.resolve(flow.poolId, flow.appId);
    const ids = Array.isArray(accepted) ? accepted.filter((x): x is string => typeof x === 'string') : [];
    if (agreementsFor(b, page, lang).some((a) => a.isRequired && !ids.includes(a.id))) throw new AppError('login.agreement_required');
  }

  /** How the sign-in arrived, for its `login` event: the interaction's SAML/CAS request, an OIDC one, or the element. */
  const protocolOf = (flow: UiFlow) => (flow.mode === 'interaction' ? (flow.interaction?.protocol ?? 'oidc') : 'element');

  /** What the MFA step needs from the page's flow: acr_values asked for MFA, remembered-device cookies. */
  const mfaOf = (flow: UiFlow) => (flow.mfa ? { mfa: flow.mfa } : {});

  const target = (flow: UiFlow): FinishTarget => (flow.mode === 'interaction' ? { kind: 'interaction' } : { kind: 'tokens', ...(flow.scope ? { scope: flow.scope } : {}) });

  /** Maps the engine's result for the page and remembers what the next call needs. */
  async function outcome(handle: string, flow: UiFlow, r: SignInResult, parked?: { via: string }): Promise<FlowOutcome> {
    if (r.status === 'challenge') {
      flow.engine = { token: r.flowToken, step: r.step, ...(parked ? { data: r.data, via: parked.via } : {}) };
      await deps.flows.save(handle, flow);
      return { status: 'step', step: r.step, data: r.data };
    }
    delete flow.engine;
    delete flow.captchaToken;
    if (r.kind === 'interaction') {
      if (!flow.interaction) throw new Error('interaction finish without an interaction');
      flow.finished = { login: r.login, userId: r.userId };
      await deps.flows.save(handle, flow);
      return { status: 'complete', finish: { kind: 'interaction', action: `${flow.interaction.base}/complete` } };
    }
    if (r.kind !== 'tokens') throw new Error('login UI flows finish with tokens or the interaction');
    await deps.flows.take(handle); // single use: the embedding page has its tokens
    return { status: 'complete', finish: { kind: 'tokens', tokens: r.tokens, userId: r.userId } };
  }

  /** Only the captcha this page showed is accepted: a token solved elsewhere does not count here. */
  const captchaOf = (flow: UiFlow, c: unknown) => {
    const token = str((c as { token?: unknown } | undefined)?.token);
    const code = str((c as { code?: unknown } | undefined)?.code).trim();
    if (!token && !code) return undefined;
    return { token: token && token === flow.captchaToken ? token : '', code };
  };

  /** Adds `captcha: true` to a refusal when the next try needs one, so the page shows it before the user types again. */
  async function withCaptchaHint(err: unknown, flow: UiFlow, identifier: string): Promise<never> {
    if (!isAppError(err)) throw err;
    let due = CAPTCHA_CODES.includes(err.code);
    if (!due && identifier) {
      const bf = (await deps.authSettings.get(flow.poolId)).bruteForce;
      due = bf.captchaAfter > 0 && (await deps.failures(flow.poolId, [counterKey(identifier)])) >= bf.captchaAfter;
    }
    if (!due) throw err;
    throw new AppError(err.code, { ...(err.params ? { params: err.params } : {}), ...(err.details ? { details: err.details } : {}), data: { ...err.data, captcha: true }, cause: err });
  }

  async function mayAutoRegister(flow: UiFlow, kind: 'sms' | 'email'): Promise<boolean> {
    if (!(await deps.authSettings.get(flow.poolId)).registration.enabled) return false;
    return (await appOf(flow.poolId, flow.appId)).register.includes(kind === 'sms' ? 'PHONE_CODE' : 'EMAIL_CODE');
  }

  async function enabledTab(flow: UiFlow, tabId: string) {
    const { login } = await appOf(flow.poolId, flow.appId);
    const tab = (await tabsForApp(buildTabs(login, deps.methods, []), deps.methods, { poolId: flow.poolId, appId: flow.appId })).find((t) => t.id === tabId);
    if (!tab) throw new AppError('auth.method_disabled');
    return tab;
  }

  return {
    config,

    /** Where the federation work plugs in its enabled connections (social and enterprise buttons). */
    useConnections(p: ConnectionsProvider) {
      connections = p;
    },

    /** A new flow: for an OIDC interaction (hosted page) or standalone for an embedding page's origin. */
    async start(e: { poolId: string; appId: string; mode: UiFlow['mode']; interaction?: UiFlow['interaction']; origin: string | null; scope?: string; mfa?: UiFlow['mfa'] }) {
      await deps.applications.get(e.poolId, e.appId); // application.not_found for an unknown app
      const { handle, flow } = await deps.flows.create({
        poolId: e.poolId,
        appId: e.appId,
        mode: e.mode,
        ...(e.interaction ? { interaction: e.interaction } : {}),
        origin: e.origin,
        ...(e.scope ? { scope: e.scope } : {}),
        ...(e.mfa ? { mfa: e.mfa } : {}),
      });
      return { handle, csrf: flow.csrf, expiresAt: new Date(flow.expiresAt).toISOString(), flow };
    },

    load: (handle: unknown) => deps.flows.load(handle),
    /** The flow of a login-API call (or a connection button): refused while a step waits for `resumeExternal`. */
    async loadChecked(handle: unknown, csrf: unknown) {
      const flow = await deps.flows.loadChecked(handle, csrf);
      if (flow.engine?.data) throw new AppError('flow.step_mismatch');
      return flow;
    },

    async captcha(handle: string, flow: UiFlow) {
      const c = await deps.captcha.generate(flow.poolId, { bindTo: captchaBinding(handle) });
      flow.captchaToken = c.token;
      await deps.flows.save(handle, flow);
      return { token: c.token, image: c.dataUrl };
    },

    /** A sign-in with one of the app's tabs (password, SMS or email code, or a registered method's form). */
    async signIn(handle: string, flow: UiFlow, b: { tab: string; input: Record<string, unknown>; captcha?: unknown; agreements?: unknown; lang: UiLang }, request: RequestInfo): Promise<FlowOutcome> {
      const tab = await enabledTab(flow, b.tab);
      if (tab.kind === 'qrcode') throw new AppError('auth.method_disabled');
      await checkAgreements(flow, 'LoginPage', b.lang, b.agreements);
      let input: Record<string, unknown> = b.input;
      let identifier = '';
      let autoRegister = false;
      if (tab.kind === 'password') {
        identifier = str(b.input.account).trim();
        input = { account: identifier, password: str(b.input.password) };
      } else if (tab.kind === 'sms' || tab.kind === 'email') {
        identifier = str(tab.kind === 'sms' ? b.input.phone : b.input.email).trim();
        input = { passCode: str(b.input.passCode).trim(), ...(tab.kind === 'sms' ? { phone: identifier } : { email: identifier }) };
        autoRegister = await mayAutoRegister(flow, tab.kind);
      } else if (tab.kind === 'passkey') {
        // The page's inputs are strings: the assertion arrives as JSON (apps/login/src/passkey.tsx).
        let credential: unknown = null;
        try {
          credential = JSON.parse(str(b.input.credential));
        } catch {
          credential = null;
        }
        input = { ticket: str(b.input.ticket), credential };
      } else {
        identifier = str(b.input.email ?? b.input.username ?? b.input.account ?? b.input.phone).trim();
      }
      const captcha = captchaOf(flow, b.captcha);
      try {
        const r = await deps.engine.signIn({
          poolId: flow.poolId,
          appId: flow.appId,
          method: tab.method,
          input,
          inputPath: 'body/input',
          request,
          protocol: protocolOf(flow),
          options: { autoRegister, ...(captcha ? { captcha, captchaBinding: captchaBinding(handle) } : {}), ...mfaOf(flow) },
          target: target(flow),
        });
        return await outcome(handle, flow, r);
      } catch (err) {
        return withCaptchaHint(err, flow, identifier);
      }
    },

    /** The answer to the step the engine waits for (MFA, profile completion, agreements …). */
    async continueStep(handle: string, flow: UiFlow, b: { step?: string; input: unknown }, request: RequestInfo): Promise<FlowOutcome> {
      if (!flow.engine) throw new AppError('flow.step_mismatch');
      const answering = flow.engine.step;
      const r = await deps.engine.continue(flow.poolId, flow.engine.token, { step: b.step, input: b.input, appId: flow.appId, request, finishes: [target(flow).kind] });
      // The MFA step passed with "remember this device" ticked (opt-in): the interaction's completion sets the cookie.
      const remember = (b.input as { rememberDevice?: unknown } | null)?.rememberDevice === true;
      if (remember && answering === 'mfa' && flow.mode === 'interaction' && !(r.status === 'challenge' && r.step === 'mfa')) flow.rememberDevice = true;
      return outcome(handle, flow, r);
    },

    /** Sends a code for signing in, registering or resetting a password (the pool's quotas and captcha apply). */
    async sendCode(handle: string, flow: UiFlow, b: { channel: 'sms' | 'email'; purpose: 'login' | 'register' | 'reset'; to: string; captcha?: unknown; lang: UiLang }, request: RequestInfo) {
      if (b.purpose === 'login') await enabledTab(flow, b.channel);
      const channel = b.purpose === 'reset' ? 'CHANNEL_RESET_PASSWORD' : 'CHANNEL_LOGIN';
      const captcha = captchaOf(flow, b.captcha);
      const who = {
        ip: request.ip ?? '',
        appId: flow.appId,
        ...(request.userAgent ? { userAgent: request.userAgent } : {}),
        ...(request.requestId ? { requestId: request.requestId } : {}),
        lang: b.lang.startsWith('zh') ? ('zh-CN' as const) : ('en' as const),
        ...(captcha?.token ? { captchaToken: captcha.token, captchaBinding: captchaBinding(handle) } : {}),
        ...(captcha?.code ? { captchaCode: captcha.code } : {}),
      };
      try {
        await deps.sendCode(flow.poolId, b.channel === 'sms' ? { kind: 'sms', channel, phoneNumber: b.to.trim() } : { kind: 'email', channel, email: b.to.trim() }, who);
      } catch (err) {
        return withCaptchaHint(err, flow, '');
      }
      return { sent: true, resendAfter: 60 };
    },

    /**
     * Registration from the page. With a password: the engine registers (switches, allow-list,
     * policy, hooks, events), then signs in with the same password, so the one finish runs.
     * With a code: a code sign-in with auto-registration (the code proves the phone or mailbox;
     * someone who already has an account with it is signed in).
     */
    async register(handle: string, flow: UiFlow, b: { method: 'password' | 'sms' | 'email'; input: Record<string, unknown>; agreements?: unknown; lang: UiLang }, request: RequestInfo): Promise<FlowOutcome> {
      await checkAgreements(flow, 'RegisterPage', b.lang, b.agreements);
      if (b.method === 'password') {
        const email = str(b.input.email).trim();
        const password = str(b.input.password);
        if (!email || !password) throw new AppError('auth.payload_required');
        if (b.input.passwordAgain !== undefined && b.input.passwordAgain !== password) throw new AppError('login.password_mismatch');
        await deps.engine.register({ poolId: flow.poolId, appId: flow.appId, input: { email, password }, registerMethod: 'EMAIL_PASSWORD', via: 'signup', request });
        const r = await deps.engine.signIn({ poolId: flow.poolId, appId: flow.appId, method: 'password', input: { email, password }, request, protocol: protocolOf(flow), target: target(flow), options: mfaOf(flow) });
        return outcome(handle, flow, r);
      }
      const to = str(b.method === 'sms' ? b.input.phone : b.input.email).trim();
      const r = await deps.engine.signIn({
        poolId: flow.poolId,
        appId: flow.appId,
        method: 'passcode',
        input: { passCode: str(b.input.passCode).trim(), ...(b.method === 'sms' ? { phone: to } : { email: to }) },
        inputPath: 'body/input',
        request,
        protocol: protocolOf(flow),
        options: { autoRegister: true, ...mfaOf(flow) },
        target: target(flow),
      });
      return outcome(handle, flow, r);
    },

    /** Forgot password: the code sent on the reset channel proves the email or phone, then the new password is set (every session ends). */
    async resetPassword(flow: UiFlow, b: { channel: 'sms' | 'email'; to: string; passCode: string; password: string }, request: RequestInfo): Promise<{ reset: true }> {
      const to = b.to.trim();
      const { passwordResetToken } = await deps.passwordReset.verifyRequest(
        flow.poolId,
        b.channel === 'sms'
          ? { verifyMethod: 'PHONE_PASSCODE', phonePassCodePayload: { phoneNumber: to, passCode: b.passCode.trim() } }
          : { verifyMethod: 'EMAIL_PASSCODE', emailPassCodePayload: { email: to, passCode: b.passCode.trim() } },
      );
      const userId = await deps.passwordReset.reset(flow.poolId, { passwordResetToken, password: b.password });
      await deps.events.emit('user:password-reset', { poolId: flow.poolId, actor: userId, subject: userId, ip: request.ip, requestId: request.requestId, data: { userId, appId: flow.appId } });
      return { reset: true };
    },

    /** A QR code for the app to scan; the page polls `qrStatus`. */
    async qrStart(handle: string, flow: UiFlow) {
      await enabledTab(flow, 'qrcode');
      const r = await deps.qrcode.generate({ poolId: flow.poolId, appId: flow.appId });
      flow.qrId = r.id;
      await deps.flows.save(handle, flow);
      return { id: r.id, image: `${deps.publicUrl}/qrcode/${encodeURIComponent(r.id)}.png`, expiresAt: new Date(r.expiresAt).toISOString() };
    },

    /** The QR code's status; once the app confirmed, this call signs in with the ticket through the engine. */
    async qrStatus(handle: string, flow: UiFlow, request: RequestInfo): Promise<{ status: string; scannedBy?: { nickname: string; photo: string } | undefined; outcome?: FlowOutcome }> {
      if (!flow.qrId) throw new AppError('qrcode.not_found');
      const p = await deps.qrcode.poll(flow.qrId, flow.poolId);
      const scannedBy = p.record.brief ?? undefined;
      const ticket = p.redeemable?.ticket ?? p.record.ticket;
      if (p.status !== 'AUTHORIZED' || !ticket) return { status: p.status, scannedBy };
      const r = await deps.engine.signIn({ poolId: flow.poolId, appId: flow.appId, method: 'qrcode', input: { ticket }, inputPath: 'body', request, protocol: 'qrcode', target: target(flow), options: mfaOf(flow) });
      delete flow.qrId;
      return { status: p.status, scannedBy, outcome: await outcome(handle, flow, r) };
    },

    /** Interaction mode: the finished sign-in, taken once, for the completion POST. */
    async takeFinished(handle: unknown, csrf: unknown, uid: string) {
      const flow = await deps.flows.loadChecked(handle, csrf);
      if (flow.interaction?.uid !== uid) throw new AppError('login.interaction_mismatch');
      if (!flow.finished) throw new AppError('login.not_finished');
      const taken = await deps.flows.take(handle);
      if (!taken?.finished) throw new AppError('login.flow_invalid');
      return { ...taken.finished, rememberDevice: taken.rememberDevice === true };
    },

    /**
     * For ways in that finish elsewhere (a social or enterprise callback, `via` the connection):
     * map their engine result onto the page's flow. With `park`, a step waits for
     * `resumeExternal` (the page that holds the flow was left for the provider); until then
     * the login API refuses the flow, so its handle is no use without the interaction's cookie.
     */
    finishExternal: async (handle: string, r: SignInResult, e: { via: string; park: boolean }) => outcome(handle, await deps.flows.load(handle), r, e.park ? { via: e.via } : undefined),

    /**
     * Interaction mode: the login page opens again on the step a provider callback reached
     * (docs/login-ui.md "A step after a provider"). Once: the flow moves to a new handle and
     * anti-forgery token (the pair the callback's page carried is dead afterwards) and forgets
     * the step's data, so a replayed resume is refused. The caller checked the interaction cookie.
     */
    async resumeExternal(handle: unknown, csrf: unknown, uid: string): Promise<{ handle: string; csrf: string; step: string; data: Record<string, unknown>; via: string | null }> {
      const flow = await deps.flows.loadChecked(handle, csrf);
      if (flow.interaction?.uid !== uid) throw new AppError('login.interaction_mismatch');
      if (!flow.engine?.data) throw new AppError('flow.step_mismatch');
      const got: { engine?: NonNullable<UiFlow['engine']> } = {};
      const moved = await deps.flows.rekey(handle, (f) => {
        if (!f.engine?.data) return;
        got.engine = f.engine;
        f.engine = { token: f.engine.token, step: f.engine.step };
      });
      const kept = got.engine;
      if (!moved || !kept?.data) throw new AppError('flow.step_mismatch'); // a parallel resume took it
      return { handle: moved.handle, csrf: moved.flow.csrf, step: kept.step, data: kept.data, via: kept.via ?? null };
    },
  };
}
export type LoginUi = ReturnType<typeof createLoginUi>;
