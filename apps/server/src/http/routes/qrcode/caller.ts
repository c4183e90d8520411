import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../../errors/app-error.js';
import { verifySignedRequest } from '../../plugins/request-signing.js';
import { basicCredentials as basic, bearerToken, headerValue as header } from '../../plugins/credentials.js';
import { tokenService } from '../auth/auth-context.js';
import type { Actor, ExchangeCaller } from '../../../services/qrcode/service.js';

/**
 * Who is calling a QR-code route (issue #6). Three callers exist:
 * - the web page (polls): identified, when it says so, by `x-authing-app-id` or the seed's
 *   `x-authing-userpool-id`;
 * - the mobile app (scan/confirm/cancel): a signed-in user of the pool, `Authorization` with or
 *   without `Bearer` (seed: "require the APP user to be logged in … bring the terminal user's token");
 * - the ticket exchanger: a backend proving the app secret (Basic or body client_id/client_secret,
 *   as the V3 `exchange-tokenset-with-qrcode-ticket` docs describe) or a management key
 *   (a request signed like ManagementClient's), else an unauthenticated browser.
 */
export interface PoolContext {
  poolId: string;
  appId: string | null;
}

/** The pool (and app) the request names, or undefined when it names none. */
export async function namedPool(app: FastifyInstance, req: FastifyRequest): Promise<PoolContext | undefined> {
  const appId = header(req, 'x-authing-app-id');
  if (appId) {
    const found = await app.gh.services.applications.locate(appId);
    if (!found) throw new AppError('application.not_found');
    const claimed = header(req, 'x-authing-userpool-id');
    if (claimed && claimed !== found.poolId) throw new AppError('qrcode.pool_mismatch');
    return { poolId: found.poolId, appId: found.appId };
  }
  const poolId = header(req, 'x-authing-userpool-id');
  if (!poolId) return undefined;
  if (poolId.length > 128) throw new AppError('pool.not_found');
  await app.gh.services.pools.get(poolId);
  return { poolId, appId: null };
}

export async function requiredPool(app: FastifyInstance, req: FastifyRequest): Promise<PoolContext> {
  const p = await namedPool(app, req);
  if (!p) throw new AppError('qrcode.pool_required');
  return p;
}

/** The signed-in mobile user, verified against the pool the request names. */
export async function mobileActor(app: FastifyInstance, req: FastifyRequest): Promise<Actor> {
  const ctx = await requiredPool(app, req);
  const token = bearerToken(req);
  if (!token) throw new AppError('auth.not_logged_in');
  const claims = await tokenService(app).verifyAccessToken(ctx.poolId, token);
  if (!claims) throw new AppError('auth.not_logged_in');
  return { poolId: ctx.poolId, userId: claims.userId };
}

export function exchangeCallerResolver(app: FastifyInstance) {
  return async (req: FastifyRequest, body: { client_id?: string; client_secret?: string; appId?: string }): Promise<ExchangeCaller> => {
    if (/^authing /.test(header(req, 'authorization') ?? '')) {
      const principal = await verifySignedRequest(app.gh, req);
      return { kind: 'management', poolId: principal.poolId, ...(body.appId ? { appId: body.appId } : {}) };
    }
    const b = basic(req);
    const creds = b ?? (body.client_id && body.client_secret ? { id: body.client_id, secret: body.client_secret } : null);
    if (creds) {
      const found = await app.gh.services.applications.locate(creds.id);
      const fail = new AppError('auth.invalid_client', { params: { method: b ? 'client_secret_basic' : 'client_secret_post' } });
      if (!found) throw fail;
      if (!(await app.gh.services.applications.verifySecret(found.poolId, found.appId, creds.secret))) throw fail;
      return { kind: 'app', poolId: found.poolId, appId: found.appId };
    }
    const ctx = await requiredPool(app, req);
    return { kind: 'browser', poolId: ctx.poolId, appId: ctx.appId };
  };
}
