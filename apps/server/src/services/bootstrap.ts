import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import type { DbHandle } from '../storage/db/connect.js';
import type { AccessKeysService } from './access-keys.js';
import type { ApplicationsService } from './applications.js';
import type { PoolsService } from './pools.js';

/** What provisioning needs (the container has it all). */
export interface ProvisionDeps {
  services: { pools: Pick<PoolsService, 'create' | 'count'>; applications: Pick<ApplicationsService, 'create'>; accessKeys: Pick<AccessKeysService, 'create'> };
  db: DbHandle;
}
import { deletePool, type PoolRow } from '../storage/repositories/pools.js';

export interface ProvisionedPool {
  pool: PoolRow;
  app: { appId: string; appSecret?: string };
  key: { accessKeyId: string; accessKeySecret: string };
}

/**
 * A usable pool in one step: the pool, its default application and its first management
 * key. If any step fails the pool is deleted again (cascade), so nothing is left half-made.
 */
export async function provisionPool(
  c: ProvisionDeps,
  input: { name: string; description?: string; id?: string; isDefault?: boolean; accessKeyId?: string; accessKeySecret?: string },
): Promise<ProvisionedPool> {
  const pool = await c.services.pools.create({ id: input.id, name: input.name, description: input.description, isDefault: input.isDefault });
  try {
    const app = await c.services.applications.create(pool.id, { appName: 'Default application', appType: 'web' }, { isDefault: true });
    const key = await c.services.accessKeys.create(pool.id, { accessKeyId: input.accessKeyId, accessKeySecret: input.accessKeySecret, name: 'root' });
    return { pool, app, key };
  } catch (err) {
    await deletePool(c.db.db, pool.id).catch(() => undefined);
    throw err;
  }
}

export const ROOT_KEY_FILE = 'root-access-key.json';

/**
 * First start on an empty database: a default pool, its default app and a root management
 * key — from GATEHOUSE_ACCESS_KEY_ID/SECRET when set, otherwise generated, printed once and
 * written to <dataDir>/root-access-key.json readable only by the owner.
 * Returns null when the database already had a pool.
 */
export async function bootstrap(c: ProvisionDeps & { config: Config }): Promise<(ProvisionedPool & { keyFile?: string }) | null> {
  if ((await c.services.pools.count()) > 0) return null;
  const { config } = c;
  const provisioned = await provisionPool(c, {
    name: 'Default user pool',
    isDefault: true,
    accessKeyId: config.accessKeyId || undefined,
    accessKeySecret: config.accessKeySecret || undefined,
  });
  if (config.accessKeyId) return provisioned;
  const dir = resolve(config.dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFile = join(dir, ROOT_KEY_FILE);
  if (!existsSync(keyFile)) {
    writeFileSync(
      keyFile,
      `${JSON.stringify({ userPoolId: provisioned.pool.id, accessKeyId: provisioned.key.accessKeyId, accessKeySecret: provisioned.key.accessKeySecret, appId: provisioned.app.appId }, null, 2)}\n`,
      { mode: 0o600 },
    );
    chmodSync(keyFile, 0o600);
  }
  return { ...provisioned, keyFile };
}
