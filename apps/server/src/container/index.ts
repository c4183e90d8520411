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
    const storeKv = kv;
    return {
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
