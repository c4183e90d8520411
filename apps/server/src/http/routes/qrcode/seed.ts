import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../../errors/app-error.js';
import { toUserDto } from '../../../services/users.js';
import type { UserRow } from '../../../storage/repositories/users.js';
import type { LoginTokenResponseData } from '../../../services/tokens/types.js';
import { NUMERIC_STATUS, type QrRecord } from '../../../services/qrcode/types.js';
import { imageUrl } from '../../../services/qrcode/image.js';
import { exchangeCallerResolver, mobileActor, namedPool, requiredPool } from './caller.js';
import { registerSeedErrors, seedOk } from './seed-envelope.js';
import { requestInfo } from '../../request-info.js';

/**
 * The seed's QR-code API (issue #6), mounted twice: at `/api/qrcode` exactly as
 * seeds/001_a3c36f13b3a5cb98.txt documents it (gene, check, userinfo, scanned, confirm, cancel),
 * and at `/api/v2/qrcode`, where authing-js-sdk's QrCodeAuthenticationClient calls the same
 * operations (geneCode, checkStatus, exchangeUserInfo). Bodies are `{code, message, data}`.
 */
const Id = Type.String({ minLength: 1, maxLength: 256 });
const Custom = Type.Union([Type.Object({}, { additionalProperties: true }), Type.String({ maxLength: 4096 })]);
const GeneBody = Type.Object(
  {
    scene: Type.String({ minLength: 1, maxLength: 32 }),
    customData: Type.Optional(Custom),
    // The seed's body table spells it "customeData"; the js-sdk sends customData as `params`.
    customeData: Type.Optional(Custom),
    params: Type.Optional(Custom),
    context: Type.Optional(Type.Object({}, { additionalProperties: true })),
    autoMergeQrCode: Type.Optional(Type.Boolean()),
    extIdpConnId: Type.Optional(Type.String({ maxLength: 128 })),
    withCustomData: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const RandomBody = Type.Object({ random: Id }, { additionalProperties: false });
const RandomQuery = Type.Object({ random: Id });
const TicketBody = Type.Object(
  { ticket: Id, client_id: Type.Optional(Type.String({ maxLength: 128 })), client_secret: Type.Optional(Type.String({ maxLength: 512 })), appId: Type.Optional(Type.String({ maxLength: 128 })) },
  { additionalProperties: false },
);

/** The seed's "user information": the user, with `token` (an ID token, as the seed says) and its expiry. */
export function legacyUserInfo(user: UserRow, tokens: LoginTokenResponseData) {
  return {
    ...toUserDto(user),
    id: user.id,
    nickname: user.nickname ?? '',
    photo: user.photo ?? '',
    token: tokens.id_token ?? tokens.access_token,
    accessToken: tokens.access_token,
    tokenExpiredAt: new Date(Date.now() + tokens.expire_in * 1000).toISOString(),
  };
}

const transition = (r: QrRecord, description: string) => ({ random: r.id, status: NUMERIC_STATUS[r.status], description });

export async function seedQrRoutes(app: FastifyInstance): Promise<void> {
  registerSeedErrors(app);
  const qr = app.gh.qrcode;
  const publicUrl = app.gh.config.publicUrl;
  const exchangeCaller = exchangeCallerResolver(app);
  const tags = ['qrcode'];

  app.post<{ Body: Static<typeof GeneBody> }>('/gene', { schema: { tags, summary: 'Generate a QR code (scene APP_AUTH)', body: GeneBody } }, async (req) => {
    const ctx = await requiredPool(app, req);
    const b = req.body;
    if (b.scene !== 'APP_AUTH') throw new AppError('qrcode.unsupported_type', { params: { type: b.scene, supported: 'APP_AUTH' } });
    const r = await qr.generate({ poolId: ctx.poolId, appId: ctx.appId, customData: b.customData ?? b.customeData ?? b.params });
    const expiresIn = Math.round((r.expiresAt - r.createdAt) / 1000);
    return seedOk(req, { random: r.id, qrcodeId: r.id, expiresIn, url: imageUrl(publicUrl, r.id) }, 'QR code generated');
  });

  app.get<{ Querystring: Static<typeof RandomQuery> }>('/check', { schema: { tags, summary: 'QR code status: 0 not scanned, 1 scanned, 2 authorized, 3 cancelled, -1 expired', querystring: RandomQuery } }, async (req) => {
    const ctx = await namedPool(app, req);
    const { record: r, status, full } = await app.gh.qrcodeSignIn.poll(req.query.random, ctx?.poolId, requestInfo(req));
    const userInfo = full ? legacyUserInfo(full.user, full.tokens) : r.brief && status !== 'EXPIRED' ? { nickname: r.brief.nickname, photo: r.brief.photo } : {};
    return seedOk(
      req,
      { random: r.id, userInfo, status: NUMERIC_STATUS[status], ticket: status === 'AUTHORIZED' ? r.ticket : null, scannedUserId: full ? full.user.id : null },
      'Query QR code status successfully!',
    );
  });

  app.post<{ Body: Static<typeof TicketBody> }>('/userinfo', { schema: { tags, summary: 'Exchange a ticket for the user and a token (server-side unless the pool allows the browser)', body: TicketBody } }, async (req) => {
    const caller = await exchangeCaller(req, req.body);
    const { user, tokens } = await app.gh.qrcodeSignIn.exchange(req.body.ticket, caller, requestInfo(req));
    return seedOk(req, legacyUserInfo(user, tokens), 'Exchange for user information successfully');
  });

  app.post<{ Body: Static<typeof RandomBody> }>('/scanned', { schema: { tags, summary: 'Mobile app: mark the code scanned (signed-in user)', body: RandomBody } }, async (req) => {
    const r = await qr.scan(req.body.random, await mobileActor(app, req));
    return seedOk(req, transition(r, 'scanned'), 'QR code scanning confirmed successfully');
  });

  app.post<{ Body: Static<typeof RandomBody> }>('/confirm', { schema: { tags, summary: 'Mobile app: authorize the login (the user who scanned)', body: RandomBody } }, async (req) => {
    const r = await qr.confirm(req.body.random, await mobileActor(app, req));
    return seedOk(req, transition(r, 'authorized'), 'Authorization login successful');
  });

  app.post<{ Body: Static<typeof RandomBody> }>('/cancel', { schema: { tags, summary: 'Mobile app: cancel the login (the user who scanned)', body: RandomBody } }, async (req) => {
    const r = await qr.cancel(req.body.random, await mobileActor(app, req));
    return seedOk(req, transition(r, 'cancelled'), 'Cancel authorization successfully');
  });
}
