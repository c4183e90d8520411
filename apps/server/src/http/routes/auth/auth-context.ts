import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../../errors/app-error.js';
import type { TokenService } from '../../../services/tokens/types.js';
import { basicCredentials, bearerToken, headerValue as header } from '../../plugins/credentials.js';

/**
 * Request context of the authentication API (not signed): which application and pool a
 * request is for, client authentication per the app's `token_endpoint_auth_method`, and the
 * calling user from the access token.
 */
export interface AppContext {
  poolId: string;
  appId: string;
  authMethod: string;
}

/** The application from `x-authing-app-id` (as the vendor client sends it), else client_id / Basic user. */
export async function appContext(app: FastifyInstance, req: FastifyRequest, bodyClientId?: string): Promise<AppContext> {
  const appId = header(req, 'x-authing-app-id') ?? bodyClientId ?? basicCredentials(req)?.id;
  if (!appId) throw new AppError('application.not_found');
  const found = await app.gh.services.applications.locate(appId);
  if (!found) throw new AppError('application.not_found');
  return { poolId: found.poolId, appId: found.appId, authMethod: found.tokenEndpointAuthMethod };
}

/**
 * Client authentication as the reference describes for /api/v3/signin: `none`, body
 * `client_id`/`client_secret` (client_secret_post), or `Authorization: Basic` (client_secret_basic).
 * Returns true when the client proved its secret (then `options.clientIp` is trusted).
 */
export async function authenticateClient(app: FastifyInstance, req: FastifyRequest, ctx: AppContext, body: { client_id?: string; client_secret?: string }): Promise<boolean> {
  const fail = () => new AppError('auth.invalid_client', { params: { method: ctx.authMethod } });
  switch (ctx.authMethod) {
    case 'none':
      return false;
    case 'client_secret_post': {
      if (!body.client_id || !body.client_secret || body.client_id !== ctx.appId) throw fail();
      if (!(await app.gh.services.applications.verifySecret(ctx.poolId, ctx.appId, body.client_secret))) throw fail();
      return true;
    }
    case 'client_secret_basic': {
      const c = basicCredentials(req);
      if (!c || c.id !== ctx.appId) throw fail();
      if (!(await app.gh.services.applications.verifySecret(ctx.poolId, ctx.appId, c.secret))) throw fail();
      return true;
    }
    default:
      throw fail();
  }
}

/** The one token service (oidc/token-service.ts) every sign-in path ends in. */
export const tokenService = (app: FastifyInstance): TokenService => app.gh.oidc.tokens;

/** The signed-in user: `Authorization: <token>` or `Authorization: Bearer <token>`. */
export async function currentUser(app: FastifyInstance, req: FastifyRequest): Promise<AppContext & { userId: string; token: string }> {
  const ctx = await appContext(app, req);
  const token = bearerToken(req);
  if (!token) throw new AppError('auth.not_logged_in');
  const claims = await tokenService(app).verifyAccessToken(ctx.poolId, token);
  if (!claims) throw new AppError('auth.not_logged_in');
  const user = await app.gh.services.users.row(ctx.poolId, claims.userId);
  if (!user) throw new AppError('auth.not_logged_in');
  return { ...ctx, userId: claims.userId, token };
}

/** Client IP: `options.clientIp` only from an authenticated backend client, else the socket/proxy address. */
export const clientIp = (req: FastifyRequest, trusted: boolean, claimed?: string) => (trusted && claimed ? claimed : req.ip);
