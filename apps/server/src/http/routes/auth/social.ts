import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../../errors/app-error.js';
import { challengeError } from '../../../flows/engine/challenge-error.js';
import { envelope, success } from '../../envelope.js';
import { bearerToken } from '../../plugins/credentials.js';
import { requestInfo } from '../../request-info.js';
import { appContext, authenticateClient, clientIp, currentUser, tokenService } from './auth-context.js';

/**
 * Identity providers on the authentication API (authing-js-sdk / authing-node-sdk
 * `AuthenticationClient`): the app's enabled connections with their `bindUrl` (what the
 * vendor's `social.authorize()` opens), and `signin-by-mobile` for native apps that already hold
 * a provider authorization code, `get-alipay-authinfo` (the Alipay SDK's signed start string);
 * and the signed-in user's own identities: `get-identities`,
 * `generate-link-extidp-url` (the hosted link confirmation's URL) and `unlink-extidp`.
 */
const tags = ['social'];

const MobileBody = Type.Object(
  {
    extIdpConnidentifier: Type.String({ minLength: 1, maxLength: 128 }),
    connection: Type.String({ minLength: 1, maxLength: 64 }),
    options: Type.Optional(Type.Object({ scope: Type.Optional(Type.String({ maxLength: 1000 })), context: Type.Optional(Type.Object({}, { additionalProperties: true })), tenantId: Type.Optional(Type.String({ maxLength: 64 })), clientIp: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false })),
    client_id: Type.Optional(Type.String({ maxLength: 128 })),
    client_secret: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: Type.Object({}, { additionalProperties: true, description: 'The provider payload, e.g. githubPayload: { code }' }) },
);

const AlipayQuery = Type.Object({ extIdpConnidentifier: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });

const LinkQuery = Type.Object(
  {
    ext_idp_conn_identifier: Type.String({ minLength: 1, maxLength: 128 }),
    app_id: Type.Optional(Type.String({ maxLength: 128 })),
    id_token: Type.Optional(Type.String({ maxLength: 16_384 })),
    // The vendor's ways to return the result (URL redirect, form post) are not offered: the hosted confirmation posts it to the opener.
    need_url_redirect: Type.Optional(Type.Unknown()),
    only_redirect_token: Type.Optional(Type.Unknown()),
    need_form_post: Type.Optional(Type.Unknown()),
    target_url: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);
const UnlinkBody = Type.Object({ extIdpId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

export async function socialAuthRoutes(app: FastifyInstance): Promise<void> {
  const { federation, socialSignIn } = app.gh;

  app.get('/get-application-enabled-extidps', { schema: { tags, summary: "The application's enabled identity-provider connections (getApplicationEnabledExtIdps)" } }, async (req) => {
    const ctx = await appContext(app, req);
    const conns = await federation.sources.enabledConnectionsForApp(ctx.poolId, ctx.appId);
    const base = app.gh.config.publicUrl.replace(/\/$/, '');
    const out = [];
    for (const c of conns) {
      const idp = await federation.sources.getIdp(ctx.poolId, c.extIdpId).catch(() => undefined);
      out.push({
        identifier: c.identifier,
        extIdpId: c.extIdpId,
        type: c.type,
        extIdpType: idp?.type ?? c.type,
        name: c.displayName,
        name_en: c.displayName,
        logo: c.logo ?? '',
        bindUrl: `${base}/connections/social/${encodeURIComponent(c.identifier)}?app_id=${encodeURIComponent(ctx.appId)}`,
      });
    }
    return envelope(req, out);
  });

  app.post<{ Body: Static<typeof MobileBody> }>('/signin-by-mobile', { schema: { tags, summary: 'Sign in with a provider payload a native app holds (signInByMobile)', body: MobileBody } }, async (req) => {
    const body = req.body as Static<typeof MobileBody> & Record<string, unknown>;
    const ctx = await appContext(app, req, body.client_id);
    const trusted = await authenticateClient(app, req, ctx, body);
    if (body.options?.tenantId) throw new AppError('request.unsupported_field', { params: { field: 'options.tenantId' } });
    // The vendor names the payload field per provider (githubPayload, googlePayload …): exactly one.
    const payloads = Object.entries(body).filter(([k, v]) => k.endsWith('Payload') && v && typeof v === 'object');
    if (payloads.length !== 1) throw new AppError('request.invalid_input', { details: [{ path: '/body', message: 'exactly one <provider>Payload object' }] });
    const r = await socialSignIn.mobile({
      poolId: ctx.poolId,
      appId: ctx.appId,
      identifier: body.extIdpConnidentifier,
      payload: payloads[0]![1] as Record<string, unknown>,
      scope: body.options?.scope,
      request: requestInfo(req, clientIp(req, trusted, body.options?.clientIp)),
    });
    if (r.status === 'challenge') throw challengeError(r);
    if (r.kind !== 'tokens') throw new Error('signin-by-mobile must finish with tokens');
    return envelope(req, r.tokens);
  });

  app.get<{ Querystring: Static<typeof AlipayQuery> }>('/get-alipay-authinfo', { schema: { tags, summary: 'The signed authInfo a native app starts the Alipay SDK with (getAlipayAuthInfo)', querystring: AlipayQuery } }, async (req) => {
    const ctx = await appContext(app, req);
    const authInfo = await socialSignIn.alipayAuthInfo({ poolId: ctx.poolId, appId: ctx.appId, identifier: req.query.extIdpConnidentifier });
    return envelope(req, { authInfo });
  });

  app.get('/get-identities', { schema: { tags, summary: "The signed-in user's external identities (getIdentities)" } }, async (req) => {
    const me = await currentUser(app, req);
    return envelope(req, await federation.identities.listOfUser(me.poolId, me.userId));
  });

  app.get<{ Querystring: Static<typeof LinkQuery> }>('/generate-link-extidp-url', { schema: { tags, summary: 'The hosted link confirmation URL for the signed-in user (generateLinkExtIdpUrl)', querystring: LinkQuery } }, async (req) => {
    const q = req.query;
    const ctx = await appContext(app, req, q.app_id);
    if (q.app_id && q.app_id !== ctx.appId) throw new AppError('application.not_found');
    if (q.need_url_redirect || q.need_form_post || q.target_url) throw new AppError('request.unsupported_field', { params: { field: q.target_url ? 'target_url' : q.need_form_post ? 'need_form_post' : 'need_url_redirect' } });
    // The user: the vendor client sends its ID token for this app; an access token in Authorization also works.
    let userId: string | undefined;
    if (q.id_token) userId = (await tokenService(app).verifyIdToken(ctx.poolId, ctx.appId, q.id_token))?.userId;
    else if (bearerToken(req)) userId = (await currentUser(app, req)).userId;
    if (!userId || !(await app.gh.services.users.row(ctx.poolId, userId))) throw new AppError('auth.not_logged_in');
    const url = await socialSignIn.issueLink({ poolId: ctx.poolId, appId: ctx.appId, userId, identifier: q.ext_idp_conn_identifier });
    return envelope(req, { url });
  });

  app.post<{ Body: Static<typeof UnlinkBody> }>('/unlink-extidp', { schema: { tags, summary: "Unlink one of the signed-in user's identity sources (unlinkExtIdp)", body: UnlinkBody } }, async (req) => {
    const me = await currentUser(app, req);
    const info = requestInfo(req);
    await federation.accounts.unlinkOwn(me.poolId, me.userId, req.body.extIdpId, info);
    return success(req);
  });
}
