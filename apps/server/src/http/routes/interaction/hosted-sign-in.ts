import type { FastifyInstance } from 'fastify';
import { AppError, isAppError } from '../../../errors/app-error.js';
import { counterKey } from '../../../login-methods/counter-keys.js';
import type { RequestInfo, SignInResult } from '../../../flows/engine/types.js';
import type { HostedTab } from './login-page.js';

/** The built-in methods the hosted page shows as tabs of their own; any other registered method with a form gets a tab too. */
const BUILT_IN = new Set(['password', 'passcode', 'qrcode', 'jitai']);

/**
 * The hosted login's side of the sign-in engine: which tabs an application shows, and one
 * function per form. Every submission goes through the same engine as `/api/v3/signin`
 * (lockout, captcha, registration switches, history, events), finishing the OIDC interaction.
 */
export function hostedSignIn(app: FastifyInstance) {
  const { engine, loginMethods, services, authn, passcodes } = app.gh;

  async function appConfig(poolId: string, appId: string) {
    const a = await services.applications.get(poolId, appId);
    const login = (a.loginConfig as { enabledBasicLoginMethods?: string[] }).enabledBasicLoginMethods ?? [];
    const register = (a.registerConfig as { enabledBasicRegisterMethods?: string[] }).enabledBasicRegisterMethods ?? [];
    return { login, register };
  }

  return {
    async tabs(poolId: string, appId: string): Promise<HostedTab[]> {
      const { login } = await appConfig(poolId, appId);
      const tabs: HostedTab[] = [];
      if (login.some((m) => m.endsWith('_PASSWORD')) || login.length === 0) tabs.push({ id: 'password', method: 'password' });
      if (login.includes('PHONE_CODE')) tabs.push({ id: 'sms', method: 'passcode' });
      if (login.includes('EMAIL_CODE')) tabs.push({ id: 'email', method: 'passcode' });
      for (const m of loginMethods.all()) {
        const d = m.describe();
        if (BUILT_IN.has(m.id) || d.fields.length === 0) continue;
        // A method may be offered to some applications only, under their own label (a directory tab).
        const available = m.availableFor ? await m.availableFor({ poolId, appId }) : {};
        if (available) tabs.push({ id: m.id, method: m.id, description: available.label ? { ...d, label: available.label } : d });
      }
      return tabs;
    },

    /** Whether a code sign-in on this app may create the account (registration on for the pool and this method on for the app). */
    async mayRegister(poolId: string, appId: string, kind: 'sms' | 'email'): Promise<boolean> {
      if (!(await authn.settings.get(poolId)).registration.enabled) return false;
      return (await appConfig(poolId, appId)).register.includes(kind === 'sms' ? 'PHONE_CODE' : 'EMAIL_CODE');
    },

    /** Whether the next attempt for this identifier must carry a captcha (to show it before the user is refused). */
    async captchaDue(poolId: string, identifier: string): Promise<boolean> {
      const bf = (await authn.settings.get(poolId)).bruteForce;
      return bf.captchaAfter > 0 && (await authn.guard.failures(poolId, [counterKey(identifier)])) >= bf.captchaAfter;
    },

    /** A captcha bound to this interaction: it cannot be solved once and spent on another sign-in. */
    newCaptcha: async (poolId: string, uid: string) => {
      const c = await authn.captcha.generate(poolId, { bindTo: `interaction:${uid}` });
      return { token: c.token, image: c.dataUrl };
    },

    async submit(e: { poolId: string; appId: string; uid: string; method: string; input: Record<string, string>; captcha?: { token?: string; code?: string }; autoRegister: boolean; mfa?: { force?: boolean; deviceTokens?: string[] } | undefined; request: RequestInfo; protocol?: 'oidc' | 'saml' | 'cas' }): Promise<SignInResult> {
      const m = loginMethods.get(e.method);
      if (!m || m.id === 'qrcode' || m.id === 'jitai') throw new AppError('auth.method_disabled');
      return engine.signIn({
        poolId: e.poolId,
        appId: e.appId,
        method: m.id,
        input: e.input,
        request: e.request,
        protocol: e.protocol ?? 'oidc',
        options: { autoRegister: e.autoRegister, ...(e.captcha ? { captcha: e.captcha, captchaBinding: `interaction:${e.uid}` } : {}), ...(e.mfa ? { mfa: e.mfa } : {}) },
        target: { kind: 'interaction' },
      });
    },

    async sendCode(e: { poolId: string; appId: string; uid: string; kind: 'sms' | 'email'; to: string; captcha?: { token?: string; code?: string }; request: RequestInfo; lang: 'en' | 'zh-CN' }): Promise<void> {
      const who = { ip: e.request.ip ?? '', appId: e.appId, lang: e.lang, ...(e.request.userAgent ? { userAgent: e.request.userAgent } : {}), ...(e.captcha?.token ? { captchaToken: e.captcha.token, captchaBinding: `interaction:${e.uid}` } : {}), ...(e.captcha?.code ? { captchaCode: e.captcha.code } : {}) };
      await passcodes.send(e.poolId, e.kind === 'sms' ? { kind: 'sms', channel: 'CHANNEL_LOGIN', phoneNumber: e.to } : { kind: 'email', channel: 'CHANNEL_LOGIN', email: e.to }, who);
    },

    isCaptchaError: (err: unknown) => isAppError(err) && (err.code === 'auth.captcha_required' || err.code === 'auth.captcha_invalid' || err.code === 'passcode.captcha_required'),
  };
}
export type HostedSignIn = ReturnType<typeof hostedSignIn>;
