import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { AppError } from '../../../errors/app-error.js';
import type { UiFlow } from '../../../flows/login-ui/store.js';
import { requestInfo } from '../../request-info.js';
import { webOrigins } from './origins.js';
import { ContinueBody, EmptyBody, RegisterBody, ResetBody, SendCodeBody, SignInBody, StartBody } from './schemas.js';

type P = { appId: string };

/**
 * The login API (docs/login-ui.md): one JSON API over the sign-in engine for the hosted login
 * page and the embeddable `<gatehouse-login>` element. Real HTTP statuses with the catalogued
 * error body (not the /api/v3 envelope).
 *
 * Every path names the application (`/login/api/apps/:appId/…`), so a CORS preflight can be
 * answered for that app alone: only its web origins (the origins of its redirect URIs) and
 * Gatehouse's own origin may call it from a browser.
 *
 * Anti-forgery: a flow's calls carry its handle (`x-gatehouse-flow`) and anti-forgery token
 * (`x-gatehouse-csrf`) in headers — nothing ambient (no cookie) authorises them, the custom
 * headers force a preflight, the JSON content type is required, and the Origin must be the one
 * that started the flow. The handle and token live in the page's memory only.
 */
export async function loginFlowRoutes(app: FastifyInstance): Promise<void> {
  const { loginUi, services } = app.gh;
  const self = new URL(app.gh.config.publicUrl).origin;

  async function appOf(appId: string) {
    const found = await services.applications.findClient(appId);
    if (!found) throw new AppError('application.not_found');
    return found;
  }

  /** The caller's Origin when it may use this app's login API; null for a non-browser caller (no Origin header). */
  async function allowedOrigin(req: FastifyRequest<{ Params: P }>): Promise<string | null> {
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || origin === '') return null;
    if (origin === self) return origin;
    const { app: a } = await appOf(req.params.appId);
    if (webOrigins(a).has(origin)) return origin;
    throw new AppError('login.origin_not_allowed', { params: { origin: origin.slice(0, 200) } });
  }

  const cors = (reply: FastifyReply, origin: string | null) => {
    if (!origin || origin === self) return;
    reply.header('access-control-allow-origin', origin);
    reply.header('vary', 'Origin');
  };

  // CORS preflight for the app's web origins (no credentials: nothing here uses cookies).
  app.options<{ Params: P }>('/login/api/apps/:appId/*', async (req, reply) => {
    const origin = await allowedOrigin(req).catch(() => null);
    if (!origin) return reply.code(403).send();
    cors(reply, origin);
    reply.header('access-control-allow-methods', 'GET, POST');
    reply.header('access-control-allow-headers', 'content-type, x-gatehouse-flow, x-gatehouse-csrf');
    reply.header('access-control-max-age', '600');
    return reply.code(204).send();
  });

  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/login/api/')) reply.header('cache-control', 'no-store');
  });

  /** A state-changing call: allowed origin, the flow of this app, its anti-forgery token, and the origin that started it. */
  async function flowOf(req: FastifyRequest<{ Params: P }>, reply: FastifyReply): Promise<{ handle: string; flow: UiFlow }> {
    const origin = await allowedOrigin(req);
    cors(reply, origin);
    const handle = req.headers['x-gatehouse-flow'];
    const flow = await loginUi.loadChecked(handle, req.headers['x-gatehouse-csrf']);
    if (flow.appId !== req.params.appId) throw new AppError('flow.binding_mismatch');
    if (flow.origin && origin !== flow.origin) throw new AppError('login.origin_not_allowed', { params: { origin: String(origin ?? '') } });
    return { handle: handle as string, flow };
  }

  const base = '/login/api/apps/:appId';

  app.get<{ Params: P }>(`${base}/config`, { schema: { hide: true } }, async (req, reply) => {
    cors(reply, await allowedOrigin(req));
    const { poolId } = await appOf(req.params.appId);
    return loginUi.config(poolId, req.params.appId);
  });

  /** A standalone flow for the embeddable element (finishes with a token set for the calling origin). */
  app.post<{ Params: P; Body: Static<typeof StartBody> }>(`${base}/flows`, { schema: { hide: true, body: StartBody } }, async (req, reply) => {
    const origin = await allowedOrigin(req);
    cors(reply, origin);
    const { poolId } = await appOf(req.params.appId);
    const s = await loginUi.start({ poolId, appId: req.params.appId, mode: 'standalone', origin: origin ?? self, ...(req.body?.scope ? { scope: req.body.scope } : {}) });
    return reply.code(201).send({ flow: s.handle, csrf: s.csrf, expiresAt: s.expiresAt });
  });

  app.post<{ Params: P; Body: Static<typeof SignInBody> }>(`${base}/sign-in`, { schema: { hide: true, body: SignInBody } }, async (req, reply) => {
    const { handle, flow } = await flowOf(req, reply);
    return loginUi.signIn(handle, flow, req.body, requestInfo(req));
  });

  app.post<{ Params: P; Body: Static<typeof ContinueBody> }>(`${base}/continue`, { schema: { hide: true, body: ContinueBody } }, async (req, reply) => {
    const { handle, flow } = await flowOf(req, reply);
    return loginUi.continueStep(handle, flow, { ...(req.body.step ? { step: req.body.step } : {}), input: req.body.input }, requestInfo(req));
  });

  app.post<{ Params: P; Body: Static<typeof SendCodeBody> }>(`${base}/send-code`, { schema: { hide: true, body: SendCodeBody } }, async (req, reply) => {
    const { handle, flow } = await flowOf(req, reply);
    return loginUi.sendCode(handle, flow, req.body, requestInfo(req));
  });

  app.post<{ Params: P; Body: Static<typeof EmptyBody> }>(`${base}/captcha`, { schema: { hide: true, body: EmptyBody } }, async (req, reply) => {
    const { handle, flow } = await flowOf(req, reply);
    return loginUi.captcha(handle, flow);
  });

  app.post<{ Params: P; Body: Static<typeof RegisterBody> }>(`${base}/register`, { schema: { hide: true, body: RegisterBody } }, async (req, reply) => {
    const { handle, flow } = await flowOf(req, reply);
    return loginUi.register(handle, flow, req.body, requestInfo(req));
  });

  app.post<{ Params: P; Body: Static<typeof ResetBody> }>(`${base}/reset-password`, { schema: { hide: true, body: ResetBody } }, async (req, reply) => {
    const { flow } = await flowOf(req, reply);
    return loginUi.resetPassword(flow, req.body, requestInfo(req));
  });

  app.post<{ Params: P; Body: Static<typeof EmptyBody> }>(`${base}/qrcode`, { schema: { hide: true, body: EmptyBody } }, async (req, reply) => {
    const { handle, flow } = await flowOf(req, reply);
    return loginUi.qrStart(handle, flow);
  });

  app.post<{ Params: P; Body: Static<typeof EmptyBody> }>(`${base}/qrcode/status`, { schema: { hide: true, body: EmptyBody } }, async (req, reply) => {
    const { handle, flow } = await flowOf(req, reply);
    return loginUi.qrStatus(handle, flow, requestInfo(req));
  });
}
