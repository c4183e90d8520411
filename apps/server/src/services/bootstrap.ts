import { existsSync, mkdirSync } from 'node:fs';
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
import { writeFileAtomic } from '../utils/atomic-write.js';

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

/** Where a developer goes next, built from the public URL (never from a request). */
export function firstStartUrls(publicUrl: string) {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    landingPage: `${base}/`,
    hostedLogin: `${base}/oidc/auth`,
    discovery: `${base}/oidc/.well-known/openid-configuration`,
    apiReference: `${base}/docs`,
    // The admin console (docs/console.md); administrators are created with `gatehouse admin create`.
    console: `${base}/console/` as string | null,
  };
}

/**
 * First start on an empty database: a default pool, its default app and a root management
 * key — from GATEHOUSE_ACCESS_KEY_ID/SECRET when set, otherwise generated. What a developer
 * needs next (the key unless it came from the environment, the default app's id and secret,
 * the URLs) is written once to <dataDir>/root-access-key.json, readable only by the owner,
 * and returned for the caller to print once.
 * Returns null when the database already had a pool.
 */
export async function bootstrap(c: ProvisionDeps & { config: Config }): Promise<(ProvisionedPool & { keyFile?: string; keyFromConfig: boolean; urls: ReturnType<typeof firstStartUrls> }) | null> {
  if ((await c.services.pools.count()) > 0) return null;
  const { config } = c;
  const provisioned = await provisionPool(c, {
    name: 'Default user pool',
    isDefault: true,
    accessKeyId: config.accessKeyId || undefined,
    accessKeySecret: config.accessKeySecret || undefined,
  });
  const urls = firstStartUrls(config.publicUrl);
  const keyFromConfig = Boolean(config.accessKeyId);
  const dir = resolve(config.dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFile = join(dir, ROOT_KEY_FILE);
  if (!existsSync(keyFile)) {
    const saved = {
      userPoolId: provisioned.pool.id,
      // A key given in the environment is not copied to disk: it already lives where the operator keeps it.
      ...(keyFromConfig ? {} : { accessKeyId: provisioned.key.accessKeyId, accessKeySecret: provisioned.key.accessKeySecret }),
      appId: provisioned.app.appId,
      appSecret: provisioned.app.appSecret,
      urls,
    };
    writeFileAtomic(keyFile, `${JSON.stringify(saved, null, 2)}\n`, 0o600);
  }
  return { ...provisioned, keyFile, keyFromConfig, urls };
}
