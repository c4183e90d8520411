import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { envelope } from '../../envelope.js';
import { Envelope } from '../common.js';
import { appContext, authenticateClient } from './auth-context.js';

/**
 * `POST /api/v3/exchange-login-code` (Gatehouse extension): trades the single-use login code of
 * a JitAi login-method instance (`getLoginCode`) for the token service's tokens — the reference
 * `LoginTokenResponseDataDto`, as /signin returns. The application authenticates as on /signin.
 */
const Body = Type.Object(
  {
    loginCode: Type.String({ minLength: 1, maxLength: 128 }),
    scope: Type.Optional(Type.String({ maxLength: 1024 })),
    client_id: Type.Optional(Type.String({ maxLength: 128 })),
    client_secret: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

export async function loginCodeRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: Static<typeof Body> }>(
    '/exchange-login-code',
    { schema: { tags: ['authentication'], summary: 'Exchange a JitAi login code (single use, 2 minutes) for tokens', body: Body, response: { 200: Envelope(Type.Any()) } } },
    async (req) => {
      const ctx = await appContext(app, req, req.body.client_id);
      await authenticateClient(app, req, ctx, req.body);
      const tokens = await app.gh.engine.redeemLoginCode(ctx.poolId, { loginCode: req.body.loginCode, appId: ctx.appId, ...(req.body.scope ? { scope: req.body.scope } : {}) });
      return envelope(req, tokens);
    },
  );
}
