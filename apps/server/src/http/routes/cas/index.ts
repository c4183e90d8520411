import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../../errors/app-error.js';
import { CAS_COOKIE_PREFIX, type ValidationResult } from '../../../services/cas/service.js';
import { jsonBody, v1Body, xmlBody } from '../../../services/cas/responses.js';
import { requestInfo } from '../../request-info.js';
import { clearCookie, guarded, messagePage, postPage, readCookie, redirect, setCookie } from '../saml/pages.js';

type Params = { appId: string; poolId?: string };
type Query = Record<string, string | undefined>;

/**
 * CAS 1.0 / 2.0 / 3.0 server endpoints (CAS Protocol 3.0; docs/cas.md). The vendor client
 * builds `<appHost>/cas-idp/<appId>?service=…`, `/cas-idp/<appId>/validate`,
 * `/cas-idp/<appId>/serviceValidate` and `/cas-idp/logout?url=…`; each also exists under
 * `/pools/:poolId` (the vendor appHost of a non-default pool) and with the standard CAS names
 * (`/login`, `/p3/serviceValidate`, `/proxyValidate`, `/p3/proxyValidate`).
 *
 * Validation answers HTTP 200 whatever the outcome (CAS Protocol 3.0 §2.5.2: the failure is in
 * the body), so the vendor client (axios, which throws on 4xx) reads the failure.
 */
export async function casRoutes(app: FastifyInstance): Promise<void> {
  const { cas, saml } = app.gh.ssoProtocols;
  const { oidc, config } = app.gh;
  const secure = config.publicUrl.startsWith('https:');
  const pubPath = new URL(config.publicUrl).pathname.replace(/\/+$/, '');

  async function poolOf(req: FastifyRequest<{ Params: Params }>): Promise<string> {
    const p = req.params.poolId;
    const poolId = p ? ((await oidc.poolExists(p)) ? p : undefined) : await oidc.defaultPoolId();
    if (!poolId) throw new AppError('cas.unknown_app');
    return poolId;
  }
  const one = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

  const login = async (req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply: FastifyReply) =>
    guarded(req, reply, async () => {
      const q = req.query;
      // Repeated parameters are ambiguous (which service?): refused.
      for (const k of ['service', 'renew', 'gateway']) if (Array.isArray((q as Record<string, unknown>)[k])) throw new AppError('cas.invalid_request', { params: { reason: `${k} is repeated` } });
      const r = await cas.beginLogin(await poolOf(req), req.params.appId, { service: one(q.service), renew: q.renew === 'true' || q.renew === '', gateway: q.gateway === 'true' || q.gateway === '' }, { req: req.raw, res: reply.raw });
      setCookie(reply, r.cookie, secure);
      return redirect(reply, r.redirect);
    });

  const cont = async (req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply: FastifyReply) =>
    guarded(req, reply, async () => {
      const found = await app.gh.services.applications.findClient(req.params.appId);
      if (!found) throw new AppError('cas.unknown_app');
      const name = `${CAS_COOKIE_PREFIX}${(one(req.query.state) ?? '').slice(0, 12)}`;
      clearCookie(reply, name, `${pubPath}/cas-idp/${req.params.appId}/continue`, secure);
      const r = await cas.finishLogin(found.poolId, req.params.appId, req.query, readCookie(req, name), requestInfo(req));
      if ('signedIn' in r) return messagePage(req, reply, 'signedIn');
      return redirect(reply, r.redirect);
    });

  async function validated(req: FastifyRequest<{ Params: Params; Querystring: Query }>): Promise<ValidationResult> {
    try {
      return await cas.validate(await poolOf(req), req.params.appId, req.query);
    } catch (err) {
      if (!isAppError(err)) throw err;
      // An unknown app or one without CAS: the ticket cannot be one of ours.
      return { ok: false, code: 'INVALID_REQUEST', description: 'this application does not validate CAS tickets' };
    }
  }

  const v1 = async (req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply: FastifyReply) => {
    const r = await validated(req);
    return reply.header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(v1Body(r));
  };

  const v2 = async (req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply: FastifyReply) => {
    const r = await validated(req);
    reply.header('cache-control', 'no-store');
    if (String(req.query.format ?? '').toUpperCase() === 'JSON') return reply.type('application/json; charset=utf-8').send(jsonBody(r));
    return reply.type('application/xml; charset=utf-8').send(xmlBody(r));
  };

  /** Single logout (§2.3): ends the SSO session everywhere (SAML service providers are visited), then the registered `url`/`service`, or a page. */
  const logout = async (req: FastifyRequest<{ Params: Partial<Params>; Querystring: Query }>, reply: FastifyReply) =>
    guarded(req, reply, async () => {
      const poolId = await poolOf(req as FastifyRequest<{ Params: Params }>);
      const target = await cas.logoutTarget(poolId, one(req.query.url) ?? one(req.query.service));
      const step = await saml.singleLogout(poolId, { req: req.raw, res: reply.raw }, requestInfo(req), target ? { kind: 'redirect', url: target } : { kind: 'page' });
      if (step.kind === 'redirect') return redirect(reply, step.url);
      if (step.kind === 'post') return postPage(req, reply, step.form);
      return messagePage(req, reply, step.partial ? 'partial' : 'loggedOut');
    });

  for (const prefix of ['', '/pools/:poolId']) {
    app.get(`${prefix}/cas-idp/logout`, logout);
    app.get(`${prefix}/cas-idp/:appId`, login);
    app.get(`${prefix}/cas-idp/:appId/login`, login);
    app.get(`${prefix}/cas-idp/:appId/logout`, logout);
    app.get(`${prefix}/cas-idp/:appId/validate`, v1);
    for (const p of ['serviceValidate', 'p3/serviceValidate', 'proxyValidate', 'p3/proxyValidate']) app.get(`${prefix}/cas-idp/:appId/${p}`, v2);
  }
  app.get('/cas-idp/:appId/continue', cont);
}
