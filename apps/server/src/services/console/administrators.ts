import { randomBytes } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import type { AdministratorRow, ConsoleRepo } from '../../storage/repositories/console.js';
import type { UserRow } from '../../storage/repositories/users.js';
import { nowIso } from '../../utils/time.js';
import type { EventService } from '../events/service.js';
import type { PoolsService } from '../pools.js';
import type { ApplicationsService } from '../applications.js';
import type { TokenService } from '../tokens/types.js';
import { isUserDisabled } from '../users/status.js';
import { isAdminRole, type Administrator, type AdminRole } from './roles.js';

/** The system pool's id: fixed, so an operator recognises it in `gatehouse pool list` and URLs. */
export const SYSTEM_POOL_ID = 'gatehouse-admin';

export interface ConsoleSystem {
  poolId: string;
  /** The console's OIDC client (public, PKCE, authorization code). */
  appId: string;
  redirectUri: string;
  logoutUri: string;
  /** Issuer of the system pool, where the console sends the browser to sign in. */
  issuer: string;
}

export interface AdministratorsDeps {
  repo: ConsoleRepo;
  pools: Pick<PoolsService, 'create' | 'list'>;
  applications: Pick<ApplicationsService, 'create' | 'get' | 'update'>;
  /** The users service with passwords (container/accounts.ts): `password` is hashed there. */
  users: {
    create(poolId: string, input: { email: string; password: string; emailVerified?: boolean }): Promise<{ userId: string }>;
    row(poolId: string, userId: string): Promise<UserRow | undefined>;
    /** Sets a new password (policy and password history apply, as for any user). */
    update(poolId: string, input: { userId: string; password: string }): Promise<unknown>;
  };
  findUserByEmail: (poolId: string, email: string) => Promise<UserRow | undefined>;
  tokens: () => Pick<TokenService, 'verifyAccessToken'>;
  events: Pick<EventService, 'emit'>;
  publicUrl: string;
}

const toAdministrator = (r: AdministratorRow, email: string | null): Administrator => ({
  userId: r.user_id,
  email,
  role: r.role as AdminRole,
  poolIds: JSON.parse(r.pool_ids) as string[],
  createdAt: r.created_at,
});

const EMAIL_RE = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

/**
 * Administrators of the console: users of a system pool signing in through Gatehouse's own
 * hosted login (so the pool's MFA and passkeys protect them too) with a console role. The
 * console's management calls carry the access token of that sign-in (http/plugins/console-auth.ts).
 */
export function createAdministratorsService(d: AdministratorsDeps) {
  const base = d.publicUrl.replace(/\/+$/, '');
  const redirectUri = `${base}/console/callback`;
  const logoutUri = `${base}/console/`;
  let known: ConsoleSystem | undefined;

  /** The system pool and the console client, created on first use; the client follows `publicUrl`. */
  async function ensureSystem(): Promise<ConsoleSystem> {
    if (known) return known;
    let row = await d.repo.system();
    if (!row) {
      const pools = await d.pools.list();
      if (!pools.some((p) => p.id === SYSTEM_POOL_ID)) await d.pools.create({ id: SYSTEM_POOL_ID, name: 'Gatehouse administrators', description: 'System pool: the administrators of the console (docs/console.md).' });
      const app = await d.applications.create(SYSTEM_POOL_ID, {
        appName: 'Gatehouse console',
        appType: 'spa',
        redirectUris: [redirectUri],
        logoutRedirectUris: [logoutUri],
        // A browser app keeps no secret: public client, PKCE required (RFC 7636, OAuth 2.0 for Browser-Based Apps §6).
        oidcConfig: { token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], response_types: ['code'], require_proof_key: true },
      });
      await d.repo.saveSystem({ id: 'console', pool_id: SYSTEM_POOL_ID, app_id: app.appId, created_at: nowIso() });
      row = (await d.repo.system())!;
    }
    const app = await d.applications.get(row.pool_id, row.app_id);
    if (!app.redirectUris.includes(redirectUri)) await d.applications.update(row.pool_id, row.app_id, { redirectUris: [redirectUri], logoutRedirectUris: [logoutUri] });
    known = { poolId: row.pool_id, appId: row.app_id, redirectUri, logoutUri, issuer: `${base}/pools/${row.pool_id}/oidc` };
    return known;
  }

  async function view(r: AdministratorRow): Promise<Administrator> {
    const user = await d.users.row(r.pool_id, r.user_id);
    return toAdministrator(r, user?.email ?? null);
  }

  function checkRole(role: unknown, poolIds: string[]): AdminRole {
    if (!isAdminRole(role)) throw new AppError('console.invalid_role');
    if (role === 'pool-admin' && poolIds.length === 0) throw new AppError('console.pools_required');
    return role;
  }

  async function checkPoolsExist(poolIds: string[]): Promise<void> {
    const existing = new Set((await d.pools.list()).map((p) => p.id));
    const unknown = poolIds.find((p) => !existing.has(p));
    if (unknown) throw new AppError('console.invalid_admin_input', { params: { reason: `no user pool ${unknown}` } });
  }

  /** Someone must be able to manage administrators: the last owner is neither removed nor demoted. */
  async function keepAnOwner(leaving: string): Promise<void> {
    if (!(await d.repo.list()).some((r) => r.role === 'owner' && r.user_id !== leaving)) throw new AppError('console.last_owner');
  }

  return {
    ensureSystem,

    /**
     * `gatehouse admin create`: a user of the system pool with a role; the password is hashed by
     * the users service. The email of a removed administrator is re-invited (same user, new
     * password); the email of a current one is `console.admin_exists`.
     */
    async create(input: { email: string; password?: string; role: unknown; poolIds?: string[] }, actor: string | null = null): Promise<Administrator & { password?: string }> {
      const poolIds = [...new Set(input.poolIds ?? [])];
      const role = checkRole(input.role, poolIds);
      if (!EMAIL_RE.test(input.email)) throw new AppError('console.invalid_admin_input', { params: { reason: 'email is not an email address' } });
      if (role !== 'owner') await checkPoolsExist(poolIds);
      const system = await ensureSystem();
      const existing = await d.findUserByEmail(system.poolId, input.email);
      if (existing && (await d.repo.find(existing.id))) throw new AppError('console.admin_exists');
      // Without a password one is generated and returned once (the console shows it once, like `admin create`).
      const generated = input.password ? undefined : randomBytes(15).toString('base64url');
      const password = input.password ?? generated!;
      // A removed administrator is kept as a user of the system pool without a role (remove());
      // inviting the email again gives that user the role back with the new password, rather
      // than failing on the taken email.
      const user = existing ? { userId: existing.id } : await d.users.create(system.poolId, { email: input.email, password, emailVerified: true });
      if (existing) await d.users.update(system.poolId, { userId: existing.id, password });
      const now = nowIso();
      const row: AdministratorRow = { user_id: user.userId, pool_id: system.poolId, role, pool_ids: JSON.stringify(role === 'owner' ? [] : poolIds), created_at: now, updated_at: now };
      await d.repo.insert(row);
      await d.events.emit('administrator:created', { poolId: system.poolId, actor, subject: user.userId, data: { userId: user.userId, role, poolIds: role === 'owner' ? [] : poolIds } });
      return { ...(await view(row)), ...(generated ? { password: generated } : {}) };
    },

    async list(): Promise<Administrator[]> {
      return Promise.all((await d.repo.list()).map(view));
    },

    /** A new role (and pools) for an administrator; the last owner keeps theirs. */
    async update(userId: string, input: { role: unknown; poolIds?: string[] }, actor: string | null = null): Promise<Administrator> {
      const row = await d.repo.find(userId);
      if (!row) throw new AppError('user.not_found');
      const poolIds = [...new Set(input.poolIds ?? [])];
      const role = checkRole(input.role, poolIds);
      if (role !== 'owner') await checkPoolsExist(poolIds);
      if (row.role === 'owner' && role !== 'owner') await keepAnOwner(userId);
      const kept = JSON.stringify(role === 'owner' ? [] : poolIds);
      await d.repo.update(userId, { role, pool_ids: kept, updated_at: nowIso() });
      await d.events.emit('administrator:updated', { poolId: row.pool_id, actor, subject: userId, data: { userId, role, poolIds: role === 'owner' ? [] : poolIds } });
      return view({ ...row, role, pool_ids: kept });
    },

    async remove(userId: string, actor: string | null = null): Promise<void> {
      const row = await d.repo.find(userId);
      if (!row) throw new AppError('user.not_found');
      if (row.role === 'owner') await keepAnOwner(userId);
      await d.repo.delete(userId);
      await d.events.emit('administrator:deleted', { poolId: row.pool_id, actor, subject: userId, data: { userId } });
    },

    /**
     * The administrator behind a console access token, or the catalogued refusal: a token of
     * another client or pool, an expired or revoked one, a user without a console role, or a
     * disabled account all end the console session.
     */
    async authenticate(token: string): Promise<Administrator> {
      const system = await ensureSystem();
      const claims = await d.tokens().verifyAccessToken(system.poolId, token);
      if (!claims || claims.appId !== system.appId) throw new AppError('console.not_signed_in');
      const row = await d.repo.find(claims.userId);
      if (!row) throw new AppError('console.not_administrator');
      const user = await d.users.row(system.poolId, claims.userId);
      if (!user || isUserDisabled(user)) throw new AppError('console.not_signed_in');
      return toAdministrator(row, user.email);
    },
  };
}
export type AdministratorsService = ReturnType<typeof createAdministratorsService>;
