import { AppError } from '../../errors/app-error.js';
import type { Logger } from '../../utils/logger.js';
import type { CredentialsRepo, LoginMethodInstanceRow } from '../../storage/repositories/credentials.js';
import { parseInstance, type ElementJson, type LoginTypeDefinition, type PasswordTypeConfig } from './instance-schema.js';
import { inspectLoginTypesDir, loadLoginTypesDir, type DirProblem } from './load-dir.js';
import { createPasswordTypeElement, type PasswordTypeDeps, type PasswordTypeElement } from './password-type.js';
import { urlSafeSecret } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';

/**
 * JitAi login-method instances (issue #4): declared as folders in the directory `loginTypesDir`
 * (loaded into the default pool at every start: the folders are authoritative for the
 * instances they declare, and a removed folder removes its instance) or created through the
 * management API (`source: 'api'`). Stored in `login_method_instances`, so every node sees the
 * same set. `getElement` is the TypeScript API: JitAi's `app.getElement("auths.loginTypes.X")`.
 */
type ElementDeps = Omit<PasswordTypeDeps, 'poolId' | 'def'>;

export interface LoginTypeView {
  name: string;
  fullName: string;
  source: 'dir' | 'api';
  element: ElementJson;
  /** The configuration without the salt (write-only, like every secret in the API). */
  config: Omit<PasswordTypeConfig, 'authConfig'> & { authConfig: { saltSet: true } };
  createdAt: string;
  updatedAt: string;
}

/**
 * The configured directory as it is on disk now, for the console: which folders it holds, each
 * one's problems, and whether its instance is loaded. The start fails on any problem, so a
 * problem shown here was made after the start (the running instance is the last good load, and
 * the next start will fail until it is fixed).
 */
export interface LoginTypesDirStatus {
  configured: boolean;
  /** The directory loads into the default pool only. */
  appliesToPool: boolean;
  dir: string | null;
  exists: boolean;
  folders: Array<{ name: string; path: string; valid: boolean; loaded: boolean; problems: DirProblem[] }>;
}

const PREFIX = 'auths.loginTypes.';

function rowToDef(row: LoginMethodInstanceRow): LoginTypeDefinition & { config: { authConfig: { salt: string } } } {
  return { name: row.name, element: JSON.parse(row.element) as ElementJson, config: JSON.parse(row.config) as PasswordTypeConfig & { authConfig: { salt: string } } };
}

function toView(row: LoginMethodInstanceRow): LoginTypeView {
  const def = rowToDef(row);
  const { authConfig: _salt, ...config } = def.config;
  return { name: row.name, fullName: PREFIX + row.name, source: row.source as 'dir' | 'api', element: def.element, config: { ...config, authConfig: { saltSet: true } }, createdAt: row.created_at, updatedAt: row.updated_at };
}

export function createLoginTypesService(deps: { credentials: CredentialsRepo; defaultPoolId: () => Promise<string | undefined>; configDir: string; log: Logger; element: ElementDeps }) {
  const repo = deps.credentials;

  /** Writes a validated definition; a missing salt keeps the stored one or gets a random one (JitAi: "Auto-generated"). */
  async function put(poolId: string, def: LoginTypeDefinition, source: 'dir' | 'api', existing: LoginMethodInstanceRow | undefined) {
    const salt = def.config.authConfig.salt ?? (existing ? rowToDef(existing).config.authConfig.salt : null) ?? urlSafeSecret(24);
    const at = nowIso();
    await repo.upsertInstance({
      pool_id: poolId,
      name: def.name,
      type: def.element.type,
      element: JSON.stringify(def.element),
      config: JSON.stringify({ ...def.config, authConfig: { salt } }),
      source,
      created_at: existing?.created_at ?? at,
      updated_at: at,
    });
  }

  async function find(poolId: string, name: string): Promise<LoginMethodInstanceRow> {
    const row = typeof name === 'string' && name.length <= 128 ? await repo.getInstance(poolId, name) : undefined;
    if (!row) throw new AppError('login_method.not_found');
    return row;
  }

  function assertApiManaged(row: LoginMethodInstanceRow) {
    if (row.source === 'dir') {
      throw new AppError('login_method.invalid_instance', { params: { name: row.name, reason: 'it is declared in the login-types directory (loginTypesDir); change its files instead' } });
    }
  }

  async function syncDir(poolId: string, dir: string): Promise<string[]> {
    const defs = loadLoginTypesDir(dir); // throws, naming file and field, before anything is written
    const current = await repo.listInstances(poolId);
    const byName = new Map(current.map((r) => [r.name, r]));
    for (const def of defs) await put(poolId, def, 'dir', byName.get(def.name));
    const declared = new Set(defs.map((d) => d.name));
    for (const r of current) if (r.source === 'dir' && !declared.has(r.name)) await repo.deleteInstance(poolId, r.name);
    return defs.map((d) => d.name);
  }

  /** The element API of one instance, by instance name (`MyPasswordAuth`). Reads the current configuration. */
  async function instance(poolId: string, name: string): Promise<PasswordTypeElement> {
    return createPasswordTypeElement({ ...deps.element, poolId, def: rowToDef(await find(poolId, name)) });
  }

  return {
    /** Validates a directory without storing anything (e.g. a CI check of an app's folders). */
    validateDir: (dir: string) => loadLoginTypesDir(dir),
    syncDir,

    /** At start: loads `loginTypesDir` (when configured) into the default pool. */
    async loadConfigured(): Promise<string[]> {
      if (!deps.configDir) return [];
      const poolId = await deps.defaultPoolId();
      if (!poolId) return [];
      const names = await syncDir(poolId, deps.configDir);
      deps.log.info({ dir: deps.configDir, instances: names }, 'loaded JitAi login-method instances');
      return names;
    },

    async dirStatus(poolId: string): Promise<LoginTypesDirStatus> {
      const none = { configured: Boolean(deps.configDir), appliesToPool: false, dir: null, exists: false, folders: [] };
      if (!deps.configDir || poolId !== (await deps.defaultPoolId())) return none;
      const found = inspectLoginTypesDir(deps.configDir);
      const loaded = new Set((await repo.listInstances(poolId)).filter((r) => r.source === 'dir').map((r) => r.name));
      return {
        configured: true,
        appliesToPool: true,
        dir: deps.configDir,
        exists: found.exists,
        folders: found.folders.map((f) => ({ ...f, valid: f.problems.length === 0, loaded: loaded.has(f.name) })),
      };
    },

    /** The stored definition of an instance, salt included (for the jitai login method; never sent to clients). */
    definition: async (poolId: string, name: string) => rowToDef(await find(poolId, name)),
    list: async (poolId: string) => (await repo.listInstances(poolId)).map(toView),
    get: async (poolId: string, name: string) => toView(await find(poolId, name)),

    async create(poolId: string, input: { name: string; element: unknown; config: unknown }): Promise<LoginTypeView> {
      const def = parseInstance(input.name, input.element, input.config, { element: 'element', config: 'config' });
      if (await repo.getInstance(poolId, def.name)) throw new AppError('login_method.already_exists');
      await put(poolId, def, 'api', undefined);
      return toView(await find(poolId, def.name));
    },

    /** Replaces the element and/or the configuration (absent parts stay; an absent salt keeps the stored one). */
    async update(poolId: string, input: { name: string; element?: unknown; config?: unknown }): Promise<LoginTypeView> {
      const row = await find(poolId, input.name);
      assertApiManaged(row);
      const cur = rowToDef(row);
      const { authConfig, ...curConfig } = cur.config;
      const def = parseInstance(input.name, input.element ?? cur.element, input.config ?? { ...curConfig, authConfig: { salt: authConfig.salt } }, { element: 'element', config: 'config' });
      await put(poolId, def, 'api', row);
      return toView(await find(poolId, def.name));
    },

    async delete(poolId: string, name: string): Promise<void> {
      assertApiManaged(await find(poolId, name));
      await repo.deleteInstance(poolId, name);
    },

    instance,

    /** JitAi `app.getElement("auths.loginTypes.MyPasswordAuth")`. */
    async getElement(poolId: string, fullName: string): Promise<PasswordTypeElement> {
      if (typeof fullName !== 'string' || !fullName.startsWith(PREFIX)) throw new AppError('login_method.not_found');
      return instance(poolId, fullName.slice(PREFIX.length));
    },
  };
}
export type LoginTypesService = ReturnType<typeof createLoginTypesService>;
