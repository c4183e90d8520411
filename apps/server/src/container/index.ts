import type { Config } from '../config/schema.js';
import { connectDb, type DbHandle } from '../storage/db/connect.js';
import { migrateToLatest } from '../storage/db/migrate.js';
import { createKv } from '../storage/kv/create-kv.js';
import type { KvBackend, KvStore } from '../storage/kv/types.js';
import { createPoolsRepo } from '../storage/repositories/pools.js';
import { createAccessKeysRepo } from '../storage/repositories/access-keys.js';
import { createAuditRepo } from '../storage/repositories/audit.js';
import { createUsersRepo } from '../storage/repositories/users.js';
import { createApplicationsRepo } from '../storage/repositories/applications.js';
import { createRolesRepo } from '../storage/repositories/roles.js';
import { createPoolsService } from '../services/pools.js';
import { createAccessKeysService } from '../services/access-keys.js';
import { createAuditService } from '../services/audit.js';
import { createUsersService } from '../services/users.js';
import { createApplicationsService } from '../services/applications.js';
import { createRolesService } from '../services/roles.js';
import { SecretBox } from '../utils/crypto.js';
import { createAuthentication } from '../flows/authentication.js';
import { createAccounts } from '../flows/accounts.js';
import { createOidc } from '../oidc/index.js';
import { createQrCodeService } from '../services/qrcode/service.js';
import { createPasscodeFlows } from '../flows/passcodes/index.js';
import { loadMasterSecret } from './master-secret.js';
import { createLogger, type Logger } from './logger.js';

/**
 * The only place that constructs things (design.md §3). Everything else receives what it
 * needs from here, so tests build the same graph on a temporary database.
 */
export async function createContainer(config: Config, opts: { logger?: Logger; migrate?: boolean } = {}) {
  const log = opts.logger ?? createLogger(config.logLevel);
  const master = loadMasterSecret(config.secret, config.dataDir);
  const box = new SecretBox(master.secret);
  const db: DbHandle = await connectDb(config.databaseUrl);
  let kv: KvStore | undefined;
  try {
    if (opts.migrate !== false) await migrateToLatest(db);
    const created = await createKv({ redisUrl: config.redisUrl, db });
    kv = created.kv;
    const kvBackend: KvBackend = created.backend;

    const repos = {
      pools: createPoolsRepo(db.db),
      accessKeys: createAccessKeysRepo(db.db),
      audit: createAuditRepo(db.db),
      users: createUsersRepo(db.db),
      applications: createApplicationsRepo(db.db),
      roles: createRolesRepo(db.db),
    };
    const audit = createAuditService(repos.audit);
    const services = {
      pools: createPoolsService(repos.pools),
      accessKeys: createAccessKeysService(repos.accessKeys, box),
      audit,
      users: createUsersService(repos.users),
      applications: createApplicationsService(repos.applications, box),
      roles: createRolesService(repos.roles, repos.users),
    };
    // Issue #4: password hashing, policy, captcha, lockout and the password sign-in flow.
    const authn = createAuthentication({
      db: db.db,
      kv,
      box,
      log,
      audit,
      users: repos.users,
      usersService: services.users,
      pools: repos.pools,
      appInfo: async (poolId, appIds) => {
        const out = new Map<string, { name: string; logo: string | null }>();
        for (const id of appIds) {
          const a = await repos.applications.findById(poolId, id);
          if (a) out.set(id, { name: a.name, logo: a.logo });
        }
        return out;
      },
    });
    // Issue #3: OIDC providers per pool, clients = applications, signing keys, the one token service.
    const oidc = createOidc({ publicUrl: config.publicUrl, box, db, kv, log, usersRepo: repos.users, services });
    services.applications = oidc.invalidatingApplications(services.applications);
    // Issue #6: QR-code scan login; state in the shared KV, tokens from the one token service.
    const qrcode = createQrCodeService({ kv, settings: async (poolId) => (await authn.settings.get(poolId)).qrcode, users: repos.users, tokens: () => oidc.tokens, audit });
    // Issue #4 (account lifecycle): management passwords + revoke on block, login codes, JitAi login types, password reset.
    const accounts = createAccounts({
      authn,
      users: services.users,
      usersRepo: repos.users,
      kv,
      log,
      tokens: () => oidc.tokens,
      defaultPoolId: async () => (await services.pools.findDefault())?.id,
      loginTypesDir: config.loginTypesDir,
    });
    services.users = accounts.users;
    // Issue #5: SMS / email codes — messaging (connectors, outbox), quotas, code sign-in/up, binding, reset codes.
    const passcodes = await createPasscodeFlows({
      config,
      db: db.db,
      kv,
      box,
      log,
      audit,
      authn,
      users: repos.users,
      usersService: services.users,
      appName: async (poolId, appId) => (appId ? (await repos.applications.findById(poolId, appId))?.name : undefined) ?? (await repos.pools.findById(poolId))?.name ?? 'Gatehouse',
    });
    accounts.passwordReset.useCodeVerifier((poolId, v) => passcodes.verifyResetCode(poolId, v));
    const storeKv = kv;
    return {
      accounts,
      passcodes,
      oidc,
      authn,
      qrcode,
      config,
      log,
      box,
      db,
      kv: storeKv,
      kvBackend,
      masterSecretSource: master.source,
      repos,
      services,
      async close() {
        await passcodes.close();
        await storeKv.close();
        await db.close();
      },
    };
  } catch (err) {
    await kv?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw err;
  }
}

export type Container = Awaited<ReturnType<typeof createContainer>>;
