import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../../errors/app-error.js';
import type { Oidc } from '../../../oidc/index.js';
import type { GatehouseClientMeta } from '../../../oidc/clients.js';
import { esc, layout, PAGE_HEADERS, pickLang, protocolMessage, T, type Lang } from '../../../oidc/pages.js';
import { requestInfo } from '../../request-info.js';
import { hostedSignIn } from './hosted-sign-in.js';
import { renderLoginBody, type HostedTab, type LoginView } from './login-page.js';
import { sendShell } from '../login-ui/shell.js';
import { fallbackLang, uiLang } from '../login-ui/lang.js';
import { pageMessage } from './messages.js';
import { ssoProtocolOf } from '../../../services/sso-protocols/continuation.js';
import { mfaRequested, parseClaimsParam } from '../../../services/mfa/acr.js';
import { deviceTokensOf } from '../../../services/mfa/remembered-devices.js';

export interface InteractionRoutesOptions {
  oidc: Oidc;
}

type Params = { uid: string; poolId?: string };
type Form = Record<string, string | undefined>;

/**
 * The hosted login: oidc-provider sends the browser here whenever it needs the user (prompt
 * login or consent). Paths: /interaction/:uid for the default pool and
 * /pools/:poolId/interaction/:uid for the others — the same base as the pool's issuer, so the
 * interaction cookie set by the provider is sent back here.
 *
 * Every form submission runs the sign-in engine (hosted-sign-in.ts) and finishes the
 * interaction with the engine's result.
 *
 * CSRF: every POST is bound to the interaction by the provider's signed, path-scoped,
 * SameSite=Lax interaction cookie (interactionDetails refuses a request without it), so a
 * cross-site form post cannot act on someone's interaction.
 */
export async function interactionRoutes(app: FastifyInstance, opts: InteractionRoutesOptions): Promise<void> {
  const { oidc } = opts;
  const hosted = hostedSignIn(app);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const poolOf = async (p: Params) => (p.poolId ? ((await oidc.poolExists(p.poolId)) ? p.poolId : undefined) : await oidc.defaultPoolId());
  const langOf = (req: FastifyRequest): Lang => pickLang(req.headers['accept-language']);

  const page = (reply: FastifyReply, status: number, html: string) => {
    reply.headers(PAGE_HEADERS);
    return reply.code(status).type('text/html; charset=utf-8').send(html);
  };
  const errorPage = (req: FastifyRequest, reply: FastifyReply, status: number, code: string) => {
    const lang = langOf(req);
    const t = T[lang];
    return page(reply, status, layout(lang, t.errorTitle, `<h1>${esc(t.errorTitle)}</h1><p role="alert" class="error">${esc(protocolMessage(code, lang))}</p><p class="hint"><code>${esc(code)}</code></p>`));
  };

  async function load(req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) {
    const poolId = await poolOf(req.params);
    if (!poolId) return { error: errorPage(req, reply, 404, 'unknown_pool') };
    const provider = await oidc.registry.get(poolId);
    try {
      const details = await provider.interactionDetails(req.raw, reply.raw);
      if (details.uid !== req.params.uid) return { error: errorPage(req, reply, 400, 'invalid_request') };
      const client = await provider.Client.find(String(details.params.client_id));
      if (!client) return { error: errorPage(req, reply, 400, 'invalid_client') };
      return { poolId, provider, details, client };
    } catch {
      // Expired or unknown interaction, or a request without the interaction cookie.
      return { error: errorPage(req, reply, 400, 'interaction_expired') };
    }
  }
  type Loaded = Exclude<Awaited<ReturnType<typeof load>>, { error: unknown }>;

  const action = (req: FastifyRequest<{ Params: Params }>) => (suffix: string) =>
    `${req.params.poolId ? `/pools/${encodeURIComponent(req.params.poolId)}` : ''}/interaction/${encodeURIComponent(req.params.uid)}${suffix ? `/${suffix}` : ''}`;
  const appNameOf = (l: Loaded) => String((l.client as { clientName?: string }).clientName ?? l.client.clientId);

  /** What the MFA step needs from this request: acr_values asking for MFA (docs/mfa.md). */
  function mfaHintOf(req: FastifyRequest<{ Params: Params }>, l: Loaded): { force?: boolean; deviceTokens?: string[] } | undefined {
    const force = mfaRequested(l.details.params, parseClaimsParam(l.details.params.claims));
    // "Remember this device" cookies (HttpOnly, path-scoped to this pool's interactions); the MFA step checks them.
    const deviceTokens = deviceTokensOf(req.headers.cookie);
    return force || deviceTokens.length ? { ...(force ? { force } : {}), ...(deviceTokens.length ? { deviceTokens } : {}) } : undefined;
  }

  /** Sets the "remember this device" cookie of a finished sign-in when the user opted in and the policy allows it. */
  async function rememberDevice(req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, l: Loaded, userId: string) {
    const c = await app.gh.mfa.deviceCookie(l.poolId, l.client.clientId, userId);
    if (!c) return;
    const path = `${req.params.poolId ? `/pools/${encodeURIComponent(req.params.poolId)}` : ''}/interaction`;
    const secure = new URL(app.gh.config.publicUrl).protocol === 'https:' ? '; Secure' : '';
    reply.header('set-cookie', `${c.name}=${c.value}; Path=${path}; Max-Age=${c.maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`);
  }

  /** What the login app needs to start: the app's config and branding, a login-UI flow bound to this interaction, the language. */
  async function bootFor(req: FastifyRequest<{ Params: Params }>, l: Loaded) {
    const branding = await app.gh.branding.resolve(l.poolId, l.client.clientId);
    const lang = uiLang({ uiLocales: l.details.params.ui_locales, acceptLanguage: req.headers['accept-language'], defaultLanguage: branding.defaultLanguage });
    const config = await app.gh.loginUi.config(l.poolId, l.client.clientId, branding);
    const frameAncestors = ((await app.gh.services.applications.get(l.poolId, l.client.clientId)).loginConfig as { frameAncestors?: string[] }).frameAncestors ?? [];
    return { branding, lang, config, frameAncestors };
  }

  async function loginPage(req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, l: Loaded, v: { status?: number; tab?: string | undefined; values?: Record<string, string>; error?: string; info?: string; captcha?: boolean }) {
    const tabs: HostedTab[] = await hosted.tabs(l.poolId, l.client.clientId);
    const current = tabs.some((t) => t.id === v.tab) ? v.tab! : tabs[0]!.id;
    const b = await bootFor(req, l);
    const view: LoginView = {
      lang: fallbackLang(b.lang),
      appName: appNameOf(l),
      action: action(req),
      tabs,
      current,
      values: v.values ?? {},
      error: v.error,
      info: v.info,
      captcha: v.captcha ? await hosted.newCaptcha(l.poolId, req.params.uid) : undefined,
    };
    const protocol = ssoProtocolOf(app.gh.config.publicUrl, l.details.params.redirect_uri);
    const mfa = mfaHintOf(req, l);
    const flow = await app.gh.loginUi.start({ poolId: l.poolId, appId: l.client.clientId, mode: 'interaction', interaction: { uid: l.details.uid, base: action(req)(''), ...(protocol ? { protocol } : {}) }, origin: null, ...(mfa ? { mfa } : {}) });
    // "Continue as …": the browser's SSO session, when the provider asks to sign in again (prompt=login, max_age).
    const sessionUser = l.details.session?.accountId ? await app.gh.repos.users.findById(l.poolId, l.details.session.accountId) : undefined;
    const session = sessionUser ? { name: sessionUser.name || sessionUser.nickname || sessionUser.email || sessionUser.phone || sessionUser.username || '', account: sessionUser.email || sessionUser.phone || sessionUser.username || '' } : null;
    return sendShell(reply, v.status ?? 200, {
      lang: b.lang,
      title: T[fallbackLang(b.lang)].signIn,
      fallback: renderLoginBody(view),
      css: b.branding.css,
      favicon: b.branding.favicon,
      frameAncestors: b.frameAncestors,
      frameSrc: b.config.connections.flatMap((c) => (c.embed ? [c.embed.origin] : [])),
      boot: {
        mode: 'interaction',
        screen: 'login',
        lang: b.lang,
        apiBase: `/login/api/apps/${encodeURIComponent(l.client.clientId)}`,
        flow: flow.handle,
        csrf: flow.csrf,
        config: b.config,
        actions: { abort: action(req)('abort'), complete: action(req)('complete') },
        session,
        ...(v.tab ? { tab: v.tab } : {}),
      },
    });
  }

  async function consentPage(req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, l: Loaded, scopes: string[]) {
    const b = await bootFor(req, l);
    const lang = fallbackLang(b.lang);
    const t = T[lang];
    const appName = appNameOf(l);
    const items = scopes.map((s) => `<li>${esc(t.scopes[s] ?? s)}</li>`).join('');
    const to = action(req);
    return sendShell(reply, 200, {
      lang: b.lang,
      title: t.consentTitle,
      css: b.branding.css,
      favicon: b.branding.favicon,
      frameAncestors: b.frameAncestors,
      fallback:
        `<h1>${esc(t.consentTitle)}</h1><p>${esc(t.consentLead(appName))}</p><ul>${items}</ul>` +
        `<form method="post" action="${esc(to('confirm'))}"><button type="submit">${esc(t.allow)}</button></form>` +
        `<form method="post" action="${esc(to('abort'))}"><button type="submit" class="secondary">${esc(t.deny)}</button></form>`,
      boot: { mode: 'interaction', screen: 'consent', lang: b.lang, config: b.config, consent: { appName, scopes }, actions: { confirm: to('confirm'), abort: to('abort') } },
    });
  }

  /** Grants what the consent prompt says is missing (oidc-provider's documented recipe). */
  async function grantConsent({ provider, details }: Loaded) {
    const { prompt, params, session } = details;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
    if (!grant) throw new Error('grant not found');
    const d = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    if (d.missingResourceScopes) for (const [indicator, s] of Object.entries(d.missingResourceScopes)) grant.addResourceScope(indicator, s.join(' '));
    const grantId = await grant.save();
    return details.grantId ? {} : { consent: { grantId } };
  }

  const finish = async (l: Loaded, req: FastifyRequest, reply: FastifyReply, result: Record<string, unknown>) => {
    const to = await l.provider.interactionResult(req.raw, reply.raw, result, { mergeWithLastSubmission: true });
    // 303: after a POST the browser must GET the resume endpoint (RFC 9700 §4.12).
    return reply.code(303).header('cache-control', 'no-store').redirect(to, 303);
  };

  const show = async (req: FastifyRequest<{ Params: Params; Querystring: { tab?: string } }>, reply: FastifyReply) => {
    const l = await load(req, reply);
    if ('error' in l) return l.error;
    if (l.details.prompt.name === 'login') return loginPage(req, reply, l, { tab: typeof req.query?.tab === 'string' ? req.query.tab : undefined });
    if (l.details.prompt.name === 'consent') {
      const gh = (l.client as unknown as { gatehouse?: GatehouseClientMeta }).gatehouse;
      if (gh?.consent) {
        const scopes = String(l.details.params.scope ?? 'openid').split(' ');
        return consentPage(req, reply, l, scopes);
      }
      return finish(l, req, reply, await grantConsent(l));
    }
    return errorPage(req, reply, 400, 'invalid_request');
  };

  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const captchaOf = (b: Form) => (b.captchaToken || b.captchaCode ? { token: str(b.captchaToken), code: str(b.captchaCode).trim() } : undefined);

  const login = async (req: FastifyRequest<{ Params: Params; Body?: Form }>, reply: FastifyReply) => {
    const l = await load(req, reply);
    if ('error' in l) return l.error;
    if (l.details.prompt.name !== 'login') return errorPage(req, reply, 400, 'invalid_request');
    const b = req.body ?? {};
    const lang = langOf(req);
    const method = str(b.method) || 'password';
    const kind: 'sms' | 'email' | null = method === 'passcode' ? (b.phone ? 'sms' : 'email') : null;
    const tab = kind ?? method;
    // What to show again: identifiers only, never a secret.
    const values: Record<string, string> = {};
    for (const k of ['account', 'phone', 'email', 'username']) if (b[k]) values[k] = str(b[k]).trim();
    if (kind) values.codeSent = '1';
    const identifier = values.account ?? values.phone ?? values.email ?? values.username ?? '';

    if (b.refreshCaptcha) return loginPage(req, reply, l, { tab, values, captcha: true });
    let input: Record<string, string>;
    if (method === 'password') {
      if (!values.account || !b.password) return loginPage(req, reply, l, { status: 400, tab, values, error: pageMessage(new AppError('auth.payload_required'), lang), captcha: !!b.captchaToken });
      input = { account: values.account, password: str(b.password) };
    } else if (method === 'passcode') {
      input = { passCode: str(b.passCode).trim(), ...(kind === 'sms' ? { phone: values.phone ?? '' } : { email: values.email ?? '' }) };
    } else {
      input = Object.fromEntries(Object.entries(b).filter(([k]) => !['method', 'captchaToken', 'captchaCode', 'refreshCaptcha'].includes(k)).map(([k, v]) => [k, str(v)]));
    }
    try {
      const r = await hosted.submit({
        poolId: l.poolId,
        uid: req.params.uid,
        appId: l.client.clientId,
        method,
        input,
        ...(captchaOf(b) ? { captcha: captchaOf(b)! } : {}),
        autoRegister: kind ? await hosted.mayRegister(l.poolId, l.client.clientId, kind) : false,
        mfa: mfaHintOf(req, l),
        request: requestInfo(req),
        // A SAML or CAS request signs in through this interaction: its `login` event names that protocol.
        protocol: ssoProtocolOf(app.gh.config.publicUrl, l.details.params.redirect_uri) ?? 'oidc',
      });
      if (r.status === 'challenge') return loginPage(req, reply, l, { status: 403, tab, values, error: pageMessage(new AppError('flow.step_required', { params: { step: r.step } }), lang) });
      if (r.kind !== 'interaction') throw new Error('hosted sign-in must finish the interaction');
      return finish(l, req, reply, { login: r.login });
    } catch (err) {
      if (!isAppError(err)) throw err;
      req.log.info({ code: err.code }, 'hosted sign-in refused');
      const captcha = hosted.isCaptchaError(err) || (identifier !== '' && (await hosted.captchaDue(l.poolId, identifier)));
      return loginPage(req, reply, l, { status: err.status, tab, values, error: pageMessage(err, lang), captcha });
    }
  };

  const sendCode = async (req: FastifyRequest<{ Params: Params; Body?: Form }>, reply: FastifyReply) => {
    const l = await load(req, reply);
    if ('error' in l) return l.error;
    if (l.details.prompt.name !== 'login') return errorPage(req, reply, 400, 'invalid_request');
    const b = req.body ?? {};
    const lang = langOf(req);
    const kind = b.channel === 'sms' ? 'sms' : 'email';
    const to = str(kind === 'sms' ? b.phone : b.email).trim();
    const values: Record<string, string> = { [kind === 'sms' ? 'phone' : 'email']: to };
    if (b.refreshCaptcha) return loginPage(req, reply, l, { tab: kind, values, captcha: true });
    if (!to) return loginPage(req, reply, l, { status: 400, tab: kind, values, error: pageMessage(new AppError('passcode.invalid_recipient'), lang) });
    try {
      await hosted.sendCode({ poolId: l.poolId, appId: l.client.clientId, uid: req.params.uid, kind, to, ...(captchaOf(b) ? { captcha: captchaOf(b)! } : {}), request: requestInfo(req), lang: lang === 'zh' ? 'zh-CN' : 'en' });
    } catch (err) {
      if (!isAppError(err)) throw err;
      return loginPage(req, reply, l, { status: err.status, tab: kind, values, error: pageMessage(err, lang), captcha: hosted.isCaptchaError(err) });
    }
    const info = lang === 'zh' ? `验证码已发送至 ${to}。` : `A code was sent to ${to}.`;
    return loginPage(req, reply, l, { tab: kind, values: { ...values, codeSent: '1' }, info });
  };

  const confirm = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const l = await load(req, reply);
    if ('error' in l) return l.error;
    if (l.details.prompt.name !== 'consent') return errorPage(req, reply, 400, 'invalid_request');
    return finish(l, req, reply, await grantConsent(l));
  };

  /** The login app's finish: the sign-in its flow completed through the login API is handed to the provider, then 303. */
  const complete = async (req: FastifyRequest<{ Params: Params; Body?: Form }>, reply: FastifyReply) => {
    const l = await load(req, reply);
    if ('error' in l) return l.error;
    if (l.details.prompt.name !== 'login') return errorPage(req, reply, 400, 'invalid_request');
    const b = req.body ?? {};
    try {
      const finished = await app.gh.loginUi.takeFinished(b.flow, b.csrf, l.details.uid);
      if (finished.rememberDevice) await rememberDevice(req, reply, l, finished.userId);
      return await finish(l, req, reply, { login: finished.login });
    } catch (err) {
      if (!isAppError(err)) throw err;
      return loginPage(req, reply, l, { status: err.status, error: pageMessage(err, langOf(req)) });
    }
  };

  /**
   * A social or enterprise sign-in of this interaction reached a step (MFA …) at the provider's
   * callback, whose page posts the flow here (docs/login-ui.md "A step after a provider"): the
   * interaction cookie binds it to this browser, `resumeExternal` moves the flow to a new handle
   * once, and the login app opens on the step with the new pair.
   */
  const resume = async (req: FastifyRequest<{ Params: Params; Body?: Form }>, reply: FastifyReply) => {
    const l = await load(req, reply);
    if ('error' in l) return l.error;
    if (l.details.prompt.name !== 'login') return errorPage(req, reply, 400, 'invalid_request');
    const b = req.body ?? {};
    let r: Awaited<ReturnType<typeof app.gh.loginUi.resumeExternal>>;
    try {
      r = await app.gh.loginUi.resumeExternal(b.flow, b.csrf, l.details.uid);
    } catch (err) {
      if (!isAppError(err)) throw err;
      req.log.info({ code: err.code }, 'resume of a step refused');
      return loginPage(req, reply, l, { status: err.status, error: pageMessage(err, langOf(req)) });
    }
    const bt = await bootFor(req, l);
    const lang = fallbackLang(bt.lang);
    const to = action(req);
    return sendShell(reply, 200, {
      lang: bt.lang,
      title: T[lang].signIn,
      css: bt.branding.css,
      favicon: bt.branding.favicon,
      frameAncestors: bt.frameAncestors,
      // Without JavaScript the step cannot be answered here: say so, and offer to start again.
      fallback: `<h1>${esc(T[lang].signIn)}</h1><p role="alert" class="error">${lang === 'zh' ? '还需完成一个步骤才能登录，此页面需要启用 JavaScript。' : 'One more step is needed to finish signing in; this page needs JavaScript for it.'}</p><p><a href="${esc(to(''))}">${lang === 'zh' ? '返回登录' : 'Back to sign in'}</a></p>`,
      boot: {
        mode: 'interaction',
        screen: 'step',
        step: { name: r.step, data: r.data, ...(r.via ? { via: r.via } : {}) },
        lang: bt.lang,
        apiBase: `/login/api/apps/${encodeURIComponent(l.client.clientId)}`,
        flow: r.handle,
        csrf: r.csrf,
        config: bt.config,
        actions: { abort: to('abort'), complete: to('complete') },
        session: null,
      },
    });
  };

  const abort = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const l = await load(req, reply);
    if ('error' in l) return l.error;
    return finish(l, req, reply, { error: 'access_denied', error_description: 'End-User aborted interaction' });
  };

  for (const base of ['/interaction/:uid', '/pools/:poolId/interaction/:uid']) {
    app.get(base, show);
    app.post(`${base}/login`, login);
    app.post(`${base}/send-code`, sendCode);
    app.post(`${base}/confirm`, confirm);
    app.post(`${base}/abort`, abort);
    app.post(`${base}/complete`, complete);
    app.post(`${base}/resume`, resume);
  }
}
