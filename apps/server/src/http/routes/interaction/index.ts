import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderMessage } from '@gatehouse/contracts';
import { isAppError } from '../../../errors/app-error.js';
import type { PasswordSignIn } from '../../../flows/password-sign-in.types.js';
import type { Oidc } from '../../../oidc/index.js';
import type { GatehouseClientMeta } from '../../../oidc/clients.js';
import { esc, layout, PAGE_HEADERS, pickLang, T, type Lang } from '../../../oidc/pages.js';

export interface InteractionRoutesOptions {
  oidc: Oidc;
  passwordSignIn: PasswordSignIn;
}

type Params = { uid: string; poolId?: string };

/**
 * The hosted login (issue #3): oidc-provider sends the browser here whenever it needs the user
 * (prompt login or consent). Paths: /interaction/:uid for the default pool and
 * /pools/:poolId/interaction/:uid for the others — the same base as the pool's issuer, so the
 * interaction cookie set by the provider is sent back here.
 *
 * CSRF: every POST is bound to the interaction by the provider's signed, path-scoped,
 * SameSite=Lax interaction cookie (interactionDetails refuses a request without it), so a
 * cross-site form post cannot act on someone's interaction.
 */
export async function interactionRoutes(app: FastifyInstance, opts: InteractionRoutesOptions): Promise<void> {
  const { oidc } = opts;
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
    const t = T[langOf(req)];
    return page(reply, status, layout(langOf(req), t.errorTitle, `<h1>${esc(t.errorTitle)}</h1><p>${esc(t.errorLead)}</p><p role="alert" class="error"><code>${esc(code)}</code></p>`));
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

  const action = (req: FastifyRequest<{ Params: Params }>, suffix: string) =>
    `${req.params.poolId ? `/pools/${encodeURIComponent(req.params.poolId)}` : ''}/interaction/${encodeURIComponent(req.params.uid)}/${suffix}`;

  function loginPage(req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, appName: string, opts2: { status?: number; error?: string; account?: string } = {}) {
    const lang = langOf(req);
    const t = T[lang];
    return page(
      reply,
      opts2.status ?? 200,
      layout(
        lang,
        t.signIn,
        `<h1>${esc(t.signIn)}</h1><p>${esc(t.signInTo(appName))}</p>` +
          (opts2.error ? `<p role="alert" class="error" id="form-error">${esc(opts2.error)}</p>` : '') +
          `<form method="post" action="${esc(action(req, 'login'))}" novalidate${opts2.error ? ' aria-describedby="form-error"' : ''}>` +
          `<label for="account">${esc(t.account)}</label><input id="account" name="account" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${esc(opts2.account ?? '')}"${opts2.error ? '' : ' autofocus'}>` +
          `<label for="password">${esc(t.password)}</label><input id="password" name="password" type="password" autocomplete="current-password" required${opts2.error ? ' autofocus' : ''}>` +
          `<button type="submit">${esc(t.submit)}</button></form>` +
          `<form method="post" action="${esc(action(req, 'abort'))}"><button type="submit" class="secondary">${esc(t.cancel)}</button></form>`,
      ),
    );
  }

  function consentPage(req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, appName: string, scopes: string[]) {
    const lang = langOf(req);
    const t = T[lang];
    const items = scopes.map((s) => `<li>${esc(t.scopes[s] ?? s)}</li>`).join('');
    return page(
      reply,
      200,
      layout(
        lang,
        t.consentTitle,
        `<h1>${esc(t.consentTitle)}</h1><p>${esc(t.consentLead(appName))}</p><ul>${items}</ul>` +
          `<form method="post" action="${esc(action(req, 'confirm'))}"><button type="submit">${esc(t.allow)}</button></form>` +
          `<form method="post" action="${esc(action(req, 'abort'))}"><button type="submit" class="secondary">${esc(t.deny)}</button></form>`,
      ),
    );
  }

  type Loaded = Exclude<Awaited<ReturnType<typeof load>>, { error: unknown }>;

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

  const show = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const l = await load(req, reply);
    if ('error' in l) return l.error;
    const appName = String((l.client as { clientName?: string }).clientName ?? l.client.clientId);
    if (l.details.prompt.name === 'login') return loginPage(req, reply, appName);
    if (l.details.prompt.name === 'consent') {
      const gh = (l.client as unknown as { gatehouse?: GatehouseClientMeta }).gatehouse;
      if (gh?.consent) {
        const scopes = String(l.details.params.scope ?? 'openid').split(' ');
        return consentPage(req, reply, appName, scopes);
      }
      return finish(l, req, reply, await grantConsent(l));
    }
    return errorPage(req, reply, 400, 'unsupported_prompt');
  };

  const login = async (req: FastifyRequest<{ Params: Params; Body?: Record<string, string> }>, reply: FastifyReply) => {
    const l = await load(req, reply);
    if ('error' in l) return l.error;
    const appName = String((l.client as { clientName?: string }).clientName ?? l.client.clientId);
    if (l.details.prompt.name !== 'login') return errorPage(req, reply, 400, 'invalid_request');
    const body = req.body ?? {};
    const account = typeof body.account === 'string' ? body.account.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const lang = langOf(req);
    if (!account || !password) {
      return loginPage(req, reply, appName, { status: 400, account, error: renderMessage('auth.payload_required', lang === 'zh' ? 'zh' : 'en') });
    }
    try {
      const r = await opts.passwordSignIn({
        poolId: l.poolId,
        appId: l.client.clientId,
        account,
        password,
        ip: req.ip,
        userAgent: req.headers['user-agent'],
        requestId: req.id,
      });
      return finish(l, req, reply, { login: { accountId: r.userId, amr: r.amr, ts: r.authTime, remember: true } });
    } catch (err) {
      if (!isAppError(err)) throw err;
      return loginPage(req, reply, appName, { status: err.status, account, error: renderMessage(err.code, lang === 'zh' ? 'zh' : 'en', err.params) });
    }
  };

  const confirm = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const l = await load(req, reply);
    if ('error' in l) return l.error;
    if (l.details.prompt.name !== 'consent') return errorPage(req, reply, 400, 'invalid_request');
    return finish(l, req, reply, await grantConsent(l));
  };

  const abort = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const l = await load(req, reply);
    if ('error' in l) return l.error;
    return finish(l, req, reply, { error: 'access_denied', error_description: 'End-User aborted interaction' });
  };

  for (const base of ['/interaction/:uid', '/pools/:poolId/interaction/:uid']) {
    app.get(base, show);
    app.post(`${base}/login`, login);
    app.post(`${base}/confirm`, confirm);
    app.post(`${base}/abort`, abort);
  }
}
