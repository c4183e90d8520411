import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../../errors/app-error.js';
import { envelope, success } from '../../envelope.js';
import { imageUrl } from '../../../services/qrcode/image.js';
import type { PollResult } from '../../../services/qrcode/service.js';
import type { QrSignedIn } from '../../../flows/qrcode-sign-in.js';
import { Envelope } from '../common.js';
import { exchangeCallerResolver, mobileActor, namedPool, requiredPool } from './caller.js';
import { requestInfo } from '../../request-info.js';

/**
 * The V3 QR-code API (issue #6), as authing-node-sdk's AuthenticationClient calls it:
 * geneQrCode (`GenerateQrcodeDto`, type MOBILE_APP), checkQrCodeStatus / getQrCodeStatus
 * (`CheckQRCodeStatusDataDto`: PENDING, SCANNED, AUTHORIZED, CANCELLED, EXPIRED),
 * changeQrCodeStatus / setQrCodeStatus (`ChangeQRCodeStatusDto`: SCAN, CONFIRM, CANCEL) and
 * exchangeTokenSetWithQrCodeTicket (→ `LoginTokenResponseDataDto` from the token service).
 */
const tags = ['qrcode'];
const Id = Type.String({ minLength: 1, maxLength: 256 });
const GeneBody = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 64 }),
    customData: Type.Optional(Type.Object({}, { additionalProperties: true })),
    context: Type.Optional(Type.Object({}, { additionalProperties: true })),
    autoMergeQrCode: Type.Optional(Type.Boolean()),
    extIdpConnId: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);
const StatusQuery = Type.Object({ qrcodeId: Id });
const ChangeBody = Type.Object({ qrcodeId: Id, action: Type.Union([Type.Literal('SCAN'), Type.Literal('CONFIRM'), Type.Literal('CANCEL')]) }, { additionalProperties: false });
const ExchangeBody = Type.Object(
  { ticket: Id, client_id: Type.Optional(Type.String({ maxLength: 128 })), client_secret: Type.Optional(Type.String({ maxLength: 512 })), appId: Type.Optional(Type.String({ maxLength: 128 })) },
  { additionalProperties: false },
);

function statusData(p: PollResult & { full?: QrSignedIn }) {
  const { record: r, status, full } = p;
  return {
    status,
    ...(status === 'AUTHORIZED' && r.ticket ? { ticket: r.ticket } : {}),
    ...(r.brief && status !== 'EXPIRED' ? { briefUserInfo: { displayName: r.brief.nickname, photo: r.brief.photo } } : {}),
    ...(full ? { tokenSet: full.tokens } : {}),
  };
}

export async function v3QrRoutes(app: FastifyInstance): Promise<void> {
  const qr = app.gh.qrcode;
  const publicUrl = app.gh.config.publicUrl;
  const exchangeCaller = exchangeCallerResolver(app);

  app.post<{ Body: Static<typeof GeneBody> }>('/gene-qrcode', { schema: { tags, summary: 'Generate a login QR code (type MOBILE_APP)', body: GeneBody, response: { 200: Envelope(Type.Any()) } } }, async (req) => {
    const ctx = await requiredPool(app, req);
    if (req.body.type !== 'MOBILE_APP') throw new AppError('qrcode.unsupported_type', { params: { type: req.body.type, supported: 'MOBILE_APP' } });
    const r = await qr.generate({ poolId: ctx.poolId, appId: ctx.appId, customData: req.body.customData });
    return envelope(req, { qrcodeId: r.id, url: imageUrl(publicUrl, r.id), expiresIn: Math.round((r.expiresAt - r.createdAt) / 1000) });
  });

  for (const path of ['/check-qrcode-status', '/get-qrcode-status']) {
    app.get<{ Querystring: Static<typeof StatusQuery> }>(path, { schema: { tags, summary: 'QR code status (PENDING, SCANNED, AUTHORIZED, CANCELLED, EXPIRED)', querystring: StatusQuery } }, async (req) => {
      const ctx = await namedPool(app, req);
      return envelope(req, statusData(await app.gh.qrcodeSignIn.poll(req.query.qrcodeId, ctx?.poolId, requestInfo(req))));
    });
  }

  const change = async (id: string, action: 'SCAN' | 'CONFIRM' | 'CANCEL', actor: Awaited<ReturnType<typeof mobileActor>>) =>
    action === 'SCAN' ? qr.scan(id, actor) : action === 'CONFIRM' ? qr.confirm(id, actor) : qr.cancel(id, actor);

  app.post<{ Body: Static<typeof ChangeBody> }>('/change-qrcode-status', { schema: { tags, summary: 'Mobile app: SCAN, then CONFIRM or CANCEL (signed-in user)', body: ChangeBody } }, async (req) => {
    const r = await change(req.body.qrcodeId, req.body.action, await mobileActor(app, req));
    return envelope(req, { qrcodeId: r.id, status: r.status });
  });
  app.post<{ Body: Static<typeof ChangeBody> }>('/set-qrcode-status', { schema: { tags, summary: 'Same as change-qrcode-status, IsSuccess response', body: ChangeBody } }, async (req) => {
    await change(req.body.qrcodeId, req.body.action, await mobileActor(app, req));
    return success(req);
  });

  app.post<{ Body: Static<typeof ExchangeBody> }>(
    '/exchange-tokenset-with-qrcode-ticket',
    { schema: { tags, summary: 'Exchange a ticket for a token set (app secret or management key unless the pool allows the browser)', body: ExchangeBody } },
    async (req) => {
      const caller = await exchangeCaller(req, req.body);
      const { tokens } = await app.gh.qrcodeSignIn.exchange(req.body.ticket, caller, requestInfo(req));
      return envelope(req, tokens);
    },
  );
}
