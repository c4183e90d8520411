import type { FastifyRequest } from 'fastify';
import type { Container } from '../../container/index.js';
import { AppError } from '../../errors/app-error.js';
import { authorize, canSeePool } from '../../services/console/roles.js';
import { headerValue } from './credentials.js';
import type { ManagementPrincipal } from '../types.js';

/**
 * The management API's second authentication scheme: `Authorization: Bearer <access token>` of
 * an administrator signed in to the console (an access token of the console's client in the
 * system pool, RFC 6750 §2.1), with the pool to act on in `x-authing-userpool-id` — the header the
 * vendor clients already send. The request then runs the same handlers as a signed one, as a
 * principal of that pool; the actor recorded in the audit log is `admin:<userId>`.
 */
export const BEARER_RE = /^bearer [A-Za-z0-9._~+/=-]{1,8192}$/i;

/** POST routes of the management API that only read (the vendor lists users and checks permissions by POST). */
const READ_POSTS = new Set(['/api/v3/list-users', '/api/v3/is-user-exists', '/api/v3/is-action-allowed']);
/** GET routes that reveal a secret: never for a read-only auditor. */
const SECRET_READS = new Set(['/api/v3/get-application-secret']);

/** Whether a request changes something, as the auditor rule sees it. */
export function isWrite(req: FastifyRequest): boolean {
  const path = req.url.split('?', 1)[0] ?? '';
  if (SECRET_READS.has(path)) return true;
  if (req.method === 'GET' || req.method === 'HEAD') return false;
  return !READ_POSTS.has(path);
}

export async function verifyAdministratorRequest(gh: Pick<Container, 'console' | 'services'>, req: FastifyRequest): Promise<ManagementPrincipal> {
  const token = (headerValue(req, 'authorization') ?? '').slice(7).trim();
  const admin = await gh.console.administrators.authenticate(token);
  const claimed = headerValue(req, 'x-authing-userpool-id');
  let poolId = claimed;
  if (!poolId) {
    // No pool named: the default pool when the administrator may see it, else their first pool.
    const def = (await gh.services.pools.findDefault())?.id;
    poolId = def && canSeePool(admin, def) ? def : admin.poolIds[0];
  }
  if (!poolId) throw new AppError('console.pool_required');
  authorize(admin, poolId, isWrite(req));
  req.management = { poolId, accessKeyId: `admin:${admin.userId}`, administrator: { userId: admin.userId, role: admin.role, poolIds: admin.poolIds } };
  return req.management;
}
