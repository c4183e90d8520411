import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../errors/app-error.js';
import { COOKIE_PREFIX } from '../../../services/saml-idp/service.js';
import type { Incoming } from '../../../services/saml-idp/request.js';
import { requestInfo } from '../../request-info.js';
import { clearCookie, errorPage, guarded, messagePage, postPage, readCookie, redirect, setCookie } from './pages.js';

type Params = { appId: string; poolId?: string };
type Form = Record<string, string | undefined>;

/** The largest form body accepted at the SAML endpoints (a 64 KiB message, base64-encoded, plus RelayState). */
const FORM_LIMIT = 256 * 1024;

/**
 * SAML 2.0 identity provider endpoints (docs/saml.md). The vendor client builds
 * `<appHost>/api/v2/saml-idp/<appId>`; `appHost` is `<publicUrl>` for the default pool and
 * `<publicUrl>/pools/<poolId>` for the others, so every path exists under both:
 *
 *   GET  …/api/v2/saml-idp/:appId            SSO, HTTP-Redirect binding (or IdP-initiated without SAMLRequest)
 *   POST …/api/v2/saml-idp/:appId            SSO, HTTP-POST binding
 *   GET  …/api/v2/saml-idp/:appId/metadata   IdP metadata (stable alias: …/saml/:appId/metadata)
 *   GET  /api/v2/saml-idp/:appId/continue    the sign-in came back (redirect URI of the app's client)
 *   GET|POST …/api/v2/saml-idp/:appId/slo    single logout (requests and responses, both bindings)
 */
export async function samlRoutes(app: FastifyInstance): Promise<void> {
  const { saml } = app.gh.ssoProtocols;
  const { oidc, config } = app.gh;
  const secure = config.publicUrl.startsWith('https:');
  // A refused body (too large, wrong type) is an error page here too, not the /api envelope.
  app.setErrorHandler(async (err, req, reply) => {
    const code = (err as { code?: string }).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return errorPage(req, reply, new AppError('saml.request_too_large'));
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return errorPage(req, reply, new AppError('saml.request_missing'));
    throw err;
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  async function poolOf(req: FastifyRequest<{ Params: Params }>): Promise<string> {
    const p = req.params.poolId;
    const poolId = p ? ((await oidc.poolExists(p)) ? p : undefined) : await oidc.defaultPoolId();
    if (!poolId) throw new AppError('saml.unknown_app');
    return poolId;
  }
  const rawQuery = (req: FastifyRequest) => {
    const i = req.url.indexOf('?');
    return i < 0 ? '' : req.url.slice(i + 1);
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

  const sso = (binding: 'redirect' | 'post') => async (req: FastifyRequest<{ Params: Params; Querystring: Form; Body?: Form }>, reply: FastifyReply) =>
    guarded(req, reply, async () => {
      const poolId = await poolOf(req);
      const src = binding === 'redirect' ? req.query : (req.body ?? {});
      // Without SAMLRequest, a GET is the IdP-initiated entry (the vendor's buildAuthorizeUrl for protocol saml).
      if (binding === 'redirect' && src.SAMLRequest === undefined) {
        const r = await saml.beginIdpInitiated(poolId, req.params.appId, str(src.RelayState), { req: req.raw, res: reply.raw });
        setCookie(reply, r.cookie, secure);
        return redirect(reply, r.redirect);
      }
      const incoming: Incoming = { binding, message: str(src.SAMLRequest), relayState: str(src.RelayState), rawQuery: rawQuery(req) };
      const r = await saml.beginSso(poolId, req.params.appId, incoming, { req: req.raw, res: reply.raw });
      if ('post' in r) return postPage(req, reply, r.post);
      setCookie(reply, r.cookie, secure);
      return redirect(reply, r.redirect);
    });

  const metadata = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) =>
    guarded(req, reply, async () => {
      const xml = await saml.metadata(await poolOf(req), req.params.appId);
      return reply.header('cache-control', 'public, max-age=300').type('application/samlmetadata+xml; charset=utf-8').send(xml);
    });

  const cont = async (req: FastifyRequest<{ Params: Params; Querystring: Form }>, reply: FastifyReply) =>
    guarded(req, reply, async () => {
      const found = await app.gh.services.applications.findClient(req.params.appId);
      if (!found) throw new AppError('saml.unknown_app');
      const state = str(req.query.state) ?? '';
      const name = `${COOKIE_PREFIX}${state.slice(0, 12)}`;
      clearCookie(reply, name, `${new URL(config.publicUrl).pathname.replace(/\/+$/, '')}/api/v2/saml-idp/${req.params.appId}/continue`, secure);
      const form = await saml.finishSso(found.poolId, req.params.appId, req.query, readCookie(req, name), requestInfo(req));
      return postPage(req, reply, form);
    });

  const slo = (binding: 'redirect' | 'post') => async (req: FastifyRequest<{ Params: Params; Querystring: Form; Body?: Form }>, reply: FastifyReply) =>
    guarded(req, reply, async () => {
      const poolId = await poolOf(req);
      const src = binding === 'redirect' ? req.query : (req.body ?? {});
      const kind = src.SAMLRequest !== undefined ? 'request' : 'response';
      const message = str(kind === 'request' ? src.SAMLRequest : src.SAMLResponse);
      const step = await saml.sloMessage(poolId, req.params.appId, { binding, kind, message, relayState: str(src.RelayState), rawQuery: rawQuery(req) }, { req: req.raw, res: reply.raw }, requestInfo(req));
      if (step.kind === 'redirect') return redirect(reply, step.url);
      if (step.kind === 'post') return postPage(req, reply, step.form);
      return messagePage(req, reply, step.partial ? 'partial' : 'loggedOut');
    });

  for (const prefix of ['', '/pools/:poolId']) {
    app.get(`${prefix}/api/v2/saml-idp/:appId`, sso('redirect'));
    app.post(`${prefix}/api/v2/saml-idp/:appId`, sso('post'));
    app.get(`${prefix}/api/v2/saml-idp/:appId/metadata`, metadata);
    app.get(`${prefix}/saml/:appId/metadata`, metadata);
    app.get(`${prefix}/api/v2/saml-idp/:appId/slo`, slo('redirect'));
    app.post(`${prefix}/api/v2/saml-idp/:appId/slo`, slo('post'));
  }
  app.get('/api/v2/saml-idp/:appId/continue', cont);
}
