import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../../errors/app-error.js';
import { safeEqual } from '../../../utils/crypto.js';
import { pickLang, type Lang } from '../../../oidc/pages.js';
import { requestInfo } from '../../request-info.js';
import { pageMessage } from '../interaction/messages.js';
import { webOrigins } from '../login-flow/origins.js';
import { continuePage, elementFlowPage, errorPage, linkConfirmPage, popupPage } from './pages.js';
import { scanRoutes } from './scan.js';

/**
 * The browser side of identity-provider sign-in (docs/identity-providers.md "Signing in"):
 *
 * - `GET /connections/social/<identifier>?app_id=…` — what authing-js-sdk's `social.authorize()`
 *   opens (popup, or `redirected=1` with a registered `redirect_url`);
 * - `POST /connections/social/<identifier>/start` — a connection button of the login UI (its
 *   flow handle and anti-forgery token in the form);
 * - `POST /connections/social/<identifier>/embed` — the same for a vendor page the login UI
 *   frames (JSON: the frame's URL, origin, state and our callback URL);
 * - `GET|POST /connections/social/<identifier>/callback` — the callback URL registered at the
 *   provider (POST for form_post providers: Apple, SAML);
 * - `GET|POST /connections/social/<identifier>/link` — the hosted link confirmation of a
 *   `generate-link-extidp-url` ticket, then the round trip that links the external account.
 *
 * The browser-binding and link-confirmation cookies are HttpOnly, SameSite=Lax and scoped to these paths.
 */
const COOKIE = 'gh_social';
const LINK_COOKIE = 'gh_link';
const PATH = '/connections/social';
type Params = { identifier: string };
type Form = Record<string, string | undefined>;

function cookieOf(req: FastifyRequest, name = COOKIE): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=') || undefined;
  }
  return undefined;
}
const strings = (o: unknown): Record<string, string> => Object.fromEntries(Object.entries((o ?? {}) as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));

export async function socialRoutes(app: FastifyInstance): Promise<void> {
  const { socialSignIn, services, config } = app.gh;
  // SAML responses arrive as form posts of a few hundred KiB at most.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 512 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  const secure = config.publicUrl.startsWith('https:');
  const langOf = (req: FastifyRequest): Lang => pickLang(req.headers['accept-language']);

  /** This browser's binding value: the existing one (parallel sign-ins in two tabs), else a new one. */
  function bindBrowser(req: FastifyRequest, reply: FastifyReply): string {
    const existing = cookieOf(req);
    const value = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : randomValue();
    reply.header('set-cookie', `${COOKIE}=${value}; Path=${PATH}; Max-Age=600; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`);
    return value;
  }

  await scanRoutes(app, { bindBrowser, cookieOf });

  const refuse = (req: FastifyRequest, reply: FastifyReply, err: unknown, back?: string) => {
    if (!isAppError(err)) throw err;
    req.log.info({ code: err.code }, 'social sign-in refused');
    return errorPage(reply, langOf(req), err.status >= 500 ? 502 : err.status, pageMessage(err, langOf(req)), err.code, back);
  };

  app.get<{ Params: Params; Querystring: Record<string, string | undefined> }>(`${PATH}/:identifier`, async (req, reply) => {
    const q = req.query;
    try {
      const appId = q.app_id ?? q.appId;
      const located = appId ? await services.applications.locate(appId) : null;
      if (!located) throw new AppError('application.not_found');
      let context: Record<string, unknown> | undefined;
      if (q.context) {
        try {
          const parsed: unknown = JSON.parse(q.context);
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) context = parsed as Record<string, unknown>;
        } catch {
          throw new AppError('request.invalid_input', { details: [{ path: '/context', message: 'must be a JSON object' }] });
        }
      }
      const url = await socialSignIn.startPopup({
        poolId: located.poolId,
        appId: located.appId,
        identifier: req.params.identifier,
        ...(q.redirected === '1' && q.redirect_url ? { redirectUrl: q.redirect_url } : {}),
        ...(context ? { context } : {}),
        browser: bindBrowser(req, reply),
      });
      return reply.code(302).header('cache-control', 'no-store').redirect(url, 302);
    } catch (err) {
      reply.removeHeader('set-cookie');
      return refuse(req, reply, err);
    }
  });

  // The SP metadata of a `saml` connection (docs/identity-providers.md "SAML 2.0"): `app_id`
  // names the pool when several pools use the identifier. Errors answer in JSON: a program reads this.
  app.get<{ Params: Params; Querystring: Record<string, string | undefined> }>(`${PATH}/:identifier/saml-metadata`, async (req, reply) => {
    const appId = req.query.app_id ?? req.query.appId;
    const located = appId ? await services.applications.locate(appId) : undefined;
    if (appId && !located) throw new AppError('application.not_found');
    const xml = await socialSignIn.samlMetadata(req.params.identifier, located?.poolId);
    return reply.header('content-type', 'application/samlmetadata+xml; charset=utf-8').header('cache-control', 'public, max-age=300').send(xml);
  });

  app.post<{ Params: Params; Body?: Form }>(`${PATH}/:identifier/start`, async (req, reply) => {
    const b = req.body ?? {};
    try {
      const url = await socialSignIn.startFromLoginUi({ handle: b.flow, csrf: b.csrf, identifier: req.params.identifier, browser: bindBrowser(req, reply) });
      return reply.code(303).header('cache-control', 'no-store').redirect(url, 303);
    } catch (err) {
      reply.removeHeader('set-cookie');
      return refuse(req, reply, err);
    }
  });

  // The vendor QR page framed by the login UI (DingTalk, WeCom with display "embedded"): the frame's
  // URL, origin and state for the page's flow, as JSON (the page draws the iframe). Binds the browser
  // like /start: the callback that follows must come from this browser.
  app.post<{ Params: Params; Body: { flow: string; csrf: string } }>(
    `${PATH}/:identifier/embed`,
    { schema: { body: { type: 'object', required: ['flow', 'csrf'], additionalProperties: false, properties: { flow: { type: 'string', maxLength: 128 }, csrf: { type: 'string', maxLength: 128 } } } } },
    async (req, reply) => {
      try {
        const start = await socialSignIn.startEmbeddedFromLoginUi({ handle: req.body.flow, csrf: req.body.csrf, identifier: req.params.identifier, browser: bindBrowser(req, reply) });
        return reply.header('cache-control', 'no-store').send(start);
      } catch (err) {
        reply.removeHeader('set-cookie');
        throw err;
      }
    },
  );

  async function callback(req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, params: Record<string, string>) {
    const lang = langOf(req);
    let out;
    try {
      out = await socialSignIn.callback({ identifier: req.params.identifier, params, browser: cookieOf(req), request: requestInfo(req) });
    } catch (err) {
      return refuse(req, reply, err);
    }
    if (out.kind === 'link') {
      const a = await services.applications.get(out.poolId, out.appId);
      return popupPage(reply, lang, out.result, [...webOrigins(a), new URL(config.publicUrl).origin], 'linkExtIdp');
    }
    if (out.kind === 'popup') {
      if (out.redirectUrl) {
        const to = new URL(out.redirectUrl);
        to.searchParams.set('code', String(out.result.code));
        to.searchParams.set('message', out.result.message);
        if (out.result.data) to.searchParams.set('data', JSON.stringify(out.result.data));
        return reply.code(302).header('cache-control', 'no-store').redirect(to.toString(), 302);
      }
      const a = await services.applications.get(out.poolId, out.appId);
      return popupPage(reply, lang, out.result, [...webOrigins(a), new URL(config.publicUrl).origin]);
    }
    const back = out.flow?.interaction?.base;
    // The element's flow (standalone: no interaction): the popup the element opened posts the
    // outcome, or the refusal's code, to the origin that started the flow; the element goes on
    // with the handle it holds (a step) or emits `login` (tokens).
    const element = out.flow && !out.flow.interaction ? (out.flow.origin ?? new URL(config.publicUrl).origin) : null;
    if (out.error) {
      if (!element) return refuse(req, reply, out.error, back);
      if (!isAppError(out.error)) throw out.error;
      req.log.info({ code: out.error.code }, 'social sign-in refused');
      return elementFlowPage(reply, lang, { error: { code: out.error.code } }, element, pageMessage(out.error, lang));
    }
    const o = out.outcome!;
    if (o.status === 'complete' && o.finish.kind === 'interaction') return continuePage(reply, lang, o.finish.action, { flow: out.handle, csrf: out.flow!.csrf });
    // A step (MFA …) on the hosted login: the login page opens again on it. The form post carries
    // the flow to the interaction, which checks its cookie and moves the flow to a new handle (single use).
    if (o.status === 'step' && out.flow?.interaction) return continuePage(reply, lang, `${out.flow.interaction.base}/resume`, { flow: out.handle, csrf: out.flow.csrf });
    if (element && (o.status === 'step' || o.finish.kind === 'tokens')) return elementFlowPage(reply, lang, { outcome: o }, element);
    return refuse(req, reply, new AppError('login.flow_invalid'), back);
  }

  app.get<{ Params: Params; Querystring: Record<string, string | undefined> }>(`${PATH}/:identifier/link`, async (req, reply) => {
    try {
      const { user, connectionName } = await socialSignIn.linkDetails(req.params.identifier, req.query.ticket);
      const csrf = randomValue();
      reply.header('set-cookie', `${LINK_COOKIE}=${csrf}; Path=${PATH}; Max-Age=600; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`);
      const account = user.email ?? user.username ?? user.phone ?? user.name ?? user.userId;
      return linkConfirmPage(reply, langOf(req), { action: `${PATH}/${encodeURIComponent(req.params.identifier)}/link`, ticket: req.query.ticket!, csrf, account, connection: connectionName });
    } catch (err) {
      return refuse(req, reply, err);
    }
  });

  app.post<{ Params: Params; Body?: Form }>(`${PATH}/:identifier/link`, async (req, reply) => {
    const b = req.body ?? {};
    try {
      const expected = cookieOf(req, LINK_COOKIE);
      // Double submit: the form's value must be the one this browser's confirmation page set.
      if (!expected || typeof b.csrf !== 'string' || !safeEqual(expected, b.csrf)) throw new AppError('login.csrf_invalid');
      const url = await socialSignIn.startLink({ identifier: req.params.identifier, ticket: b.ticket, browser: bindBrowser(req, reply) });
      return reply.code(303).header('cache-control', 'no-store').redirect(url, 303);
    } catch (err) {
      reply.removeHeader('set-cookie');
      return refuse(req, reply, err);
    }
  });

  app.get<{ Params: Params; Querystring: Record<string, unknown> }>(`${PATH}/:identifier/callback`, async (req, reply) => {
    const q = strings(req.query);
    if (q.gh_resume) {
      try {
        return await callback(req, reply, await socialSignIn.takeFormPost(q.gh_resume));
      } catch (err) {
        return refuse(req, reply, err);
      }
    }
    return callback(req, reply, q);
  });

  app.post<{ Params: Params; Body?: Form }>(`${PATH}/:identifier/callback`, async (req, reply) => {
    const handle = await socialSignIn.parkFormPost(strings(req.body));
    return reply.code(303).header('cache-control', 'no-store').redirect(`${PATH}/${encodeURIComponent(req.params.identifier)}/callback?gh_resume=${encodeURIComponent(handle)}`, 303);
  });
}

function randomValue(): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}
