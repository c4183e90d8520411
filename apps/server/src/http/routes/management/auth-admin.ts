import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../../errors/app-error.js';
import { envelope, success } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { AnyObject, mgmtSecurity } from '../common.js';
import { tokenService } from '../auth/auth-context.js';
import type { UserRow } from '../../../storage/repositories/users.js';
import type { UserIdType as UserIdTypeValue } from '../../../services/users/types.js';

/**
 * Management side of issue #4 (signed, inside the management context): unlock, force-logout,
 * login history, signed-in applications, authentication settings, password-hash import and refresh.
 */
const tags = ['authentication-admin'];
const UserIdType = Type.Optional(Type.Union(['user_id', 'email', 'phone', 'username', 'external_id'].map((v) => Type.Literal(v))));

export async function authAdminRoutes(app: FastifyInstance): Promise<void> {
  const { authn, services } = app.gh;

  const findUser = (poolId: string, userId: string, type?: string): Promise<UserRow> => services.users.resolve(poolId, userId, type as UserIdTypeValue | undefined);


  const UnlockBody = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 320 }), userIdType: UserIdType }, { additionalProperties: false });
  app.post<{ Body: Static<typeof UnlockBody> }>('/unlock-user', { schema: { tags, security: mgmtSecurity, summary: 'Clear the failed-attempt counter and temporary lock of a user', body: UnlockBody } }, async (req) => {
    const poolId = managementPool(req);
    const user = await findUser(poolId, req.body.userId, req.body.userIdType);
    await app.gh.accounts.unlockUser(poolId, user.id);
    await services.events.emit('user:unlocked', { poolId, actor: req.management?.accessKeyId ?? null, subject: user.id, ip: req.ip, requestId: req.id, data: { userId: user.id } });
    return success(req);
  });

  const KickBody = Type.Object(
    { userId: Type.String({ minLength: 1, maxLength: 320 }), appIds: Type.Array(Type.String({ maxLength: 128 }), { maxItems: 100 }), options: Type.Optional(Type.Object({ userIdType: UserIdType }, { additionalProperties: false })) },
    { additionalProperties: false },
  );
  app.post<{ Body: Static<typeof KickBody> }>('/kick-users', { schema: { tags, security: mgmtSecurity, summary: 'Force-logout: revoke every session and refresh token of a user', body: KickBody } }, async (req) => {
    const poolId = managementPool(req);
    const user = await findUser(poolId, req.body.userId, req.body.options?.userIdType);
    await tokenService(app).revokeUserSessions(poolId, user.id);
    await services.events.emit('kick', { poolId, actor: req.management?.accessKeyId ?? null, subject: user.id, ip: req.ip, requestId: req.id, data: { userId: user.id, appIds: req.body.appIds } });
    return success(req);
  });

  const HistoryQuery = Type.Object({
    userId: Type.String({ minLength: 1, maxLength: 320 }),
    userIdType: UserIdType,
    appId: Type.Optional(Type.String({ maxLength: 128 })),
    clientIp: Type.Optional(Type.String({ maxLength: 64 })),
    start: Type.Optional(Type.Integer({ minimum: 0 })),
    end: Type.Optional(Type.Integer({ minimum: 0 })),
    page: Type.Integer({ minimum: 1, default: 1 }),
    limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
  });
  app.get<{ Querystring: Static<typeof HistoryQuery> }>('/get-user-login-history', { schema: { tags, security: mgmtSecurity, summary: 'Login history of a user', querystring: HistoryQuery } }, async (req) => {
    const poolId = managementPool(req);
    const { userId, userIdType, ...q } = req.query;
    const user = await findUser(poolId, userId, userIdType);
    return envelope(req, await authn.history.list(poolId, { userId: user.id, ...q }));
  });

  const LoggedInQuery = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 320 }), userIdType: UserIdType });
  app.get<{ Querystring: Static<typeof LoggedInQuery> }>(
    '/get-user-loggedin-apps',
    { schema: { tags, security: mgmtSecurity, summary: 'Applications the user is signed in to (a successful sign-in since the last forced logout), with the latest sign-in’s time, IP and device', querystring: LoggedInQuery } },
    async (req) => {
      const poolId = managementPool(req);
      const user = await findUser(poolId, req.query.userId, req.query.userIdType);
      const since = await app.gh.oidc.registry.revocation(poolId).accountRevokedAt(user.id);
      return envelope(req, await authn.history.loggedInApps(poolId, user.id, since));
    },
  );

  app.get('/get-authentication-settings', { schema: { tags, security: mgmtSecurity, summary: 'Password policy, brute-force limits and registration switches of the pool (Gatehouse extension)' } }, async (req) =>
    envelope(req, await authn.settings.get(managementPool(req))),
  );
  const SettingsBody = Type.Object(
    {
      passwordPolicy: Type.Optional(AnyObject),
      bruteForce: Type.Optional(AnyObject),
      distinctLoginErrors: Type.Optional(Type.Boolean()),
      registration: Type.Optional(AnyObject),
      qrcode: Type.Optional(AnyObject),
    },
    { additionalProperties: false },
  );
  app.post<{ Body: Static<typeof SettingsBody> }>('/update-authentication-settings', { schema: { tags, security: mgmtSecurity, summary: 'Update the authentication settings (Gatehouse extension)', body: SettingsBody } }, async (req) => {
    const poolId = managementPool(req);
    const next = await authn.settings.update(poolId, req.body as never);
    await services.events.emit('user-pool:updated', { poolId, actor: req.management?.accessKeyId ?? null, ip: req.ip, requestId: req.id, data: { settings: 'authentication', fields: Object.keys(req.body) } });
    return envelope(req, next);
  });

  const ImportBody = Type.Object(
    { userId: Type.String({ minLength: 1, maxLength: 320 }), userIdType: UserIdType, passwordHash: Type.String({ minLength: 1, maxLength: 1024 }) },
    { additionalProperties: false },
  );
  app.post<{ Body: Static<typeof ImportBody> }>('/import-user-password-hash', { schema: { tags, security: mgmtSecurity, summary: 'Store an imported password hash (bcrypt, scrypt, pbkdf2, argon2, salted digests); upgraded at next sign-in', body: ImportBody } }, async (req) => {
    const poolId = managementPool(req);
    const user = await findUser(poolId, req.body.userId, req.body.userIdType);
    await authn.passwords.importHash(poolId, user.id, req.body.passwordHash);
    await services.events.emit('user:password-imported', { poolId, actor: req.management?.accessKeyId ?? null, subject: user.id, ip: req.ip, requestId: req.id, data: { userId: user.id } });
    return success(req);
  });

  app.post('/refresh-password-hashes', { schema: { tags, security: mgmtSecurity, summary: 'Mark every password hash of the pool for replacement at its next sign-in (JitAi refreshDbPassword)' } }, async (req) => {
    const poolId = managementPool(req);
    const n = await authn.passwords.markAllForRefresh(poolId);
    return envelope(req, { success: true, count: n });
  });
}
