import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError, isAppError } from '../../../errors/app-error.js';
import type { CallbackOutcome } from '../../../flows/social/round-trip.js';
import { pickLang } from '../../../oidc/pages.js';
import { requestInfo } from '../../request-info.js';
import { pageMessage } from '../interaction/messages.js';

/**
 * QR-code sign-in on the page (flows/social/scan.ts; docs/identity-providers-china.md):
 *
 * - `POST /connections/social/<identifier>/qrcode` — a new code, for the login UI's flow
 *   (`flow`, `csrf`) or an application's own page (`app_id`); binds the browser (cookie);
 * - `GET /connections/social/<identifier>/qrcode/<scene>` — the page's poll;
 * - `GET|POST /connections/social/<identifier>/events` — the URL pasted into the official
 *   account's server configuration (the GET `echostr` handshake, then the signed event pushes);
 * - `POST /connections/social/<identifier>/qrcode/<scene>/confirm` — the mini program's
 *   confirmation of a scanned mini-program code (`code` from `wx.login()`, optional `phoneCode`).
 */
const PATH = '/connections/social';
type Params = { identifier: string };
type SceneParams = Params & { scene: string };

const StartBody = Type.Object(
  {
    flow: Type.Optional(Type.String({ maxLength: 128 })),
    csrf: Type.Optional(Type.String({ maxLength: 128 })),
    app_id: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);
const ConfirmBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 256 }),
    phoneCode: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false },
);

export interface ScanRouteHelpers {
  bindBrowser(req: FastifyRequest, reply: FastifyReply): string;
  cookieOf(req: FastifyRequest): string | undefined;
}

const errorBody = (err: AppError, lang: ReturnType<typeof pickLang>) => ({ code: err.code, apiCode: err.apiCode, message: pageMessage(err, lang) });

export async function scanRoutes(app: FastifyInstance, h: ScanRouteHelpers): Promise<void> {
  const { socialSignIn, services } = app.gh;
  const { scan } = socialSignIn;
  // WeChat posts its XML as text/xml; the body is verified by the connector, never parsed here.
  app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));

  app.post<{ Params: Params; Body: Static<typeof StartBody> }>(`${PATH}/:identifier/qrcode`, { schema: { body: StartBody } }, async (req, reply) => {
    const b = req.body;
    let appCtx: { poolId: string; appId: string } | undefined;
    if (!b.flow) {
      const located = b.app_id ? await services.applications.locate(b.app_id) : null;
      if (!located) throw new AppError('application.not_found');
      appCtx = located;
    }
    const code = await scan.start({ identifier: req.params.identifier, browser: h.bindBrowser(req, reply), ...(b.flow ? { flow: { handle: b.flow, csrf: b.csrf } } : { app: appCtx! }) });
    return reply.header('cache-control', 'no-store').send(code);
  });

  app.get<{ Params: SceneParams }>(`${PATH}/:identifier/qrcode/:scene`, async (req, reply) => {
    const lang = pickLang(req.headers['accept-language']);
    reply.header('cache-control', 'no-store');
    const p = await scan.poll({ identifier: req.params.identifier, scene: req.params.scene, browser: h.cookieOf(req), request: requestInfo(req) });
    if (p.status !== 'done') return p;
    return outcomeBody(p.outcome, lang);
  });

  app.post<{ Params: SceneParams; Body: Static<typeof ConfirmBody> }>(`${PATH}/:identifier/qrcode/:scene/confirm`, { schema: { body: ConfirmBody } }, async (req) => {
    await scan.confirm(req.params.identifier, req.params.scene, { code: req.body.code, phoneCode: req.body.phoneCode });
    return { status: 'confirmed' };
  });

  async function events(req: FastifyRequest<{ Params: Params; Querystring: Record<string, unknown> }>, reply: FastifyReply) {
    const query = Object.fromEntries(Object.entries(req.query ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const body = typeof req.body === 'string' ? req.body : '';
    try {
      const answer = await scan.push(req.params.identifier, { method: req.method === 'GET' ? 'GET' : 'POST', query, body });
      return reply.header('content-type', 'text/plain; charset=utf-8').send(answer);
    } catch (err) {
      if (isAppError(err) && err.code === 'china.push_refused') req.log.warn({ identifier: req.params.identifier }, 'official-account push refused');
      throw err;
    }
  }
  app.get(`${PATH}/:identifier/events`, events);
  app.post(`${PATH}/:identifier/events`, events);

  /** The poll's answer once the scan was acted on: where the page goes next. */
  async function outcomeBody(out: CallbackOutcome, lang: ReturnType<typeof pickLang>) {
    // An application's own page: a step (MFA) comes in the vendor's shape (apiCode 1635/1636 with `mfaToken`).
    if (out.kind === 'popup' || out.kind === 'link') return { status: out.result.code === 200 ? 'signed_in' : out.result.data ? 'step' : 'failed', result: out.result };
    if (out.error) return { status: 'failed', error: errorBody(out.error, lang) };
    const o = out.outcome!;
    if (o.status === 'complete' && o.finish.kind === 'interaction') return { status: 'signed_in', continue: { action: o.finish.action, fields: { flow: out.handle, csrf: out.flow!.csrf } } };
    if (o.status === 'complete' && o.finish.kind === 'tokens') {
      const user = await services.users.get(out.flow!.poolId, { userId: o.finish.userId });
      return { status: 'signed_in', result: { code: 200, message: '', data: { ...user, token: o.finish.tokens.id_token ?? o.finish.tokens.access_token, tokens: { ...o.finish.tokens } } } };
    }
    // The login page that polls holds the flow: it shows the step (MFA …) and continues it through the login API.
    if (o.status === 'step') return { status: 'step', step: o.step, data: o.data };
    return { status: 'failed', error: errorBody(new AppError('login.flow_invalid'), lang) };
  }
}
