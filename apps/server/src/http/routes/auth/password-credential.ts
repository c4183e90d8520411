import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { success } from '../../envelope.js';
import { currentUser } from './auth-context.js';
import { PasswordEncryptType } from '../common.js';

/**
 * Gatehouse extensions for the signed-in user's password credential (JitAi `bind` / `unbind`;
 * the vendor AuthenticationClient has no such calls — renaming is its `updateProfile({username})`).
 * The access token goes in `Authorization`, bare or with `Bearer `.
 */
const Body = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 4096 }), passwordEncryptType: Type.Optional(PasswordEncryptType) },
  { additionalProperties: false },
);
const tags = ['authentication'];

export async function passwordCredentialRoutes(app: FastifyInstance): Promise<void> {
  const { authn, accounts, services } = app.gh;

  app.post<{ Body: Static<typeof Body> }>(
    '/bind-password',
    { schema: { tags, summary: 'Add a password to the signed-in account (which has none yet)', body: Body } },
    async (req) => {
      const me = await currentUser(app, req);
      const password = await authn.encryption.decrypt(me.poolId, req.body.passwordEncryptType, req.body.password);
      await accounts.passwordCredential.bind(me.poolId, me.userId, password);
      await services.events.emit('user:password-bound', { poolId: me.poolId, actor: me.userId, subject: me.userId, ip: req.ip, requestId: req.id, data: { userId: me.userId } });
      return success(req);
    },
  );

  app.post<{ Body: Static<typeof Body> }>(
    '/unbind-password',
    { schema: { tags, summary: 'Remove the password of the signed-in account (needs the current password and a verified email or phone)', body: Body } },
    async (req) => {
      const me = await currentUser(app, req);
      const password = await authn.encryption.decrypt(me.poolId, req.body.passwordEncryptType, req.body.password);
      await accounts.passwordCredential.unbind(me.poolId, me.userId, password, req.ip);
      await services.events.emit('user:password-unbound', { poolId: me.poolId, actor: me.userId, subject: me.userId, ip: req.ip, requestId: req.id, data: { userId: me.userId } });
      return success(req);
    },
  );
}
