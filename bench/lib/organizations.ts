/**
 * Organisation bench scenarios (issue #18), in this process against a container of their own:
 *
 *   permissions — `isActionAllowed` throughput with 100,000 users, 1,000 groups and a 5-level
 *                 tree of 10,000 departments (grants to departments with inheritance, to groups,
 *                 to users). Reported per CPU-second of this process (process.cpuUsage), for the
 *                 cached path (the per-node cache docs/permissions.md describes) and for first
 *                 checks (one effective-grants query each). HTTP is not included: the request
 *                 floor is the bare Fastify peer figure of the same run.
 *   subtree     — listing a subtree in a 100,000-department organisation (closure table): the
 *                 service's getAllDepartments (one page of 1,000, the vendor client's request)
 *                 below the root and below a level-1 department; median and p99 of repeated runs.
 *
 * Seeding writes rows in bulk with SQL (users, groups, departments, closure rows, memberships,
 * grants), shaped as the services write them; the measured calls are the services' own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../apps/server/src/config/load.js';
import { createContainer } from '../../apps/server/src/container/index.js';
import { bootstrap } from '../../apps/server/src/services/bootstrap.js';
import { sortableId } from '../../apps/server/src/utils/ids.js';

export interface OrgBenchResult {
  permissions?: { users: number; groups: number; departments: number; grants: number; warm: Rate; cold: Rate; allowedShare: number; seedSeconds: number };
  subtree?: { departments: number; levels: number[]; root: Timing; level1: Timing; seedSeconds: number };
}
interface Rate { checks: number; wallS: number; cpuS: number; perCpuS: number; perWallS: number }
interface Timing { descendants: number; runs: number; p50ms: number; p99ms: number }

const cpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

type Db = Awaited<ReturnType<typeof createContainer>>['db']['db'];

/** Inserts rows in chunks (SQLite's variable limit; PostgreSQL's parameter limit). */
async function bulk(db: Db, table: string, rows: Array<Record<string, unknown>>, chunk = 500) {
  for (let i = 0; i < rows.length; i += chunk) await (db as any).insertInto(table).values(rows.slice(i, i + chunk)).execute();
}

/**
 * A tree of `levels` widths below `rootId` (level 1 has levels[0] departments, each next level
 * spreads its nodes evenly over the previous level's): departments and closure rows.
 */
async function seedTree(db: Db, poolId: string, orgId: string, rootId: string, levels: number[], at: string) {
  const closureOf = new Map<string, string[]>([[rootId, [rootId]]]);
  let parents = [rootId];
  const all: string[][] = [];
  for (const width of levels) {
    const depts: Array<Record<string, unknown>> = [];
    const closure: Array<Record<string, unknown>> = [];
    const ids: string[] = [];
    for (let i = 0; i < width; i++) {
      const parent = parents[i % parents.length]!;
      const id = sortableId();
      ids.push(id);
      depts.push({ id, pool_id: poolId, organization_id: orgId, parent_id: parent, code: `d${all.length + 1}-${i}`, open_department_id: null, name: `Dept ${all.length + 1}-${i}`, description: null, is_virtual: 0, status: 1, i18n: null, custom_data: '{}', created_at: at, updated_at: at });
      const ancestors = [...closureOf.get(parent)!, id];
      closureOf.set(id, ancestors);
      ancestors.forEach((a, k) => closure.push({ ancestor_id: a, descendant_id: id, depth: ancestors.length - 1 - k }));
    }
    await bulk(db, 'departments', depts);
    await bulk(db, 'department_closure', closure, 900);
    all.push(ids);
    parents = ids;
  }
  return all;
}

export async function runOrganizationBench(opts: { databaseUrl?: string; want: (k: string) => boolean; quick: boolean; log: (s: string) => void }): Promise<OrgBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-orgbench-'));
  const config = loadConfig({}, {
    dataDir: dir,
    databaseUrl: opts.databaseUrl ?? `sqlite:${join(dir, 'org.db')}`,
    redisUrl: '',
    secret: 'bench-master-secret-0123456789abcdefghijkl',
    accessKeyId: 'ak_bench_org',
    accessKeySecret: 'bench-org-secret-0123456789abcdef',
    publicUrl: 'http://127.0.0.1:9',
    logLevel: 'silent',
  });
  const c = await createContainer(config);
  const out: OrgBenchResult = {};
  try {
    const poolId = (await bootstrap(c))!.pool.id;
    const db = c.db.db;
    const at = new Date().toISOString();

    if (opts.want('permissions')) {
      const t0 = Date.now();
      const USERS = 100_000;
      const GROUPS = 1_000;
      opts.log(`permissions: seeding ${USERS} users, ${GROUPS} groups, a 5-level tree of 10,000 departments…`);
      const first = await c.services.users.create(poolId, { username: 'p0' } as never);
      const template = (await c.repos.users.findById(poolId, (first as { userId: string }).userId))!;
      const userIds = [template.id];
      for (let from = 1; from < USERS; from += 1000) {
        const rows = [];
        for (let i = from; i < Math.min(USERS, from + 1000); i++) {
          const id = sortableId();
          userIds.push(id);
          rows.push({ ...template, id, username: `p${i}`, email: null, phone: null, created_at: at, updated_at: at, signed_up: at });
        }
        await c.repos.users.insertMany(rows as never);
      }
      const org = await c.services.organizations.createOrganization(poolId, { organizationCode: 'perm-org', organizationName: 'Permissions' });
      const orgRow = await (db as any).selectFrom('organizations').selectAll().where('pool_id', '=', poolId).where('code', '=', 'perm-org').executeTakeFirstOrThrow();
      // 10, 90, 900, 3,000, 6,000: 10,000 departments on five levels.
      const tree = await seedTree(db, poolId, orgRow.id, org.departmentId as string, [10, 90, 900, 3000, 6000], at);
      const leaves = [...tree[3]!, ...tree[4]!];
      const groupIds = Array.from({ length: GROUPS }, () => sortableId());
      await bulk(db, 'user_groups', groupIds.map((id, i) => ({ id, pool_id: poolId, code: `g${i}`, name: `Group ${i}`, description: null, type: 'STATIC', rule: null, custom_data: '{}', created_at: at, updated_at: at })));
      // Every user: one department (levels 4–5) and two groups.
      await bulk(db, 'department_members', userIds.map((u, i) => ({ pool_id: poolId, department_id: leaves[i % leaves.length]!, user_id: u, is_leader: 0, is_main: 1, joined_at: at })));
      await bulk(db, 'group_members', userIds.flatMap((u, i) => [groupIds[i % GROUPS]!, groupIds[(i * 7 + 3) % GROUPS]!].filter((g, k, a) => a.indexOf(g) === k).map((g) => ({ pool_id: poolId, group_id: g, user_id: u, created_at: at }))));
      // 20 resources × 4 actions; grants: every level-1 and level-2 department (inherited below), 200 groups, 1,000 users.
      const resources = Array.from({ length: 20 }, (_, i) => ({ id: sortableId(), code: `res${i}` }));
      await bulk(db, 'resources', resources.map((r) => ({ id: r.id, pool_id: poolId, namespace: 'default', code: r.code, name: null, description: null, type: 'DATA', actions: JSON.stringify(['read', 'write', 'delete', 'share'].map((name) => ({ name, description: '' }))), api_identifier: null, created_at: at, updated_at: at })));
      const grants: Array<Record<string, unknown>> = [];
      const grant = (type: 'USER' | 'GROUP' | 'DEPARTMENT', id: string, r: number, action: string, inherit: boolean) =>
        grants.push({ id: sortableId(), pool_id: poolId, resource_id: resources[r]!.id, action, target_type: type, target_key: `${type}:${id}`, user_id: type === 'USER' ? id : null, role_id: null, group_id: type === 'GROUP' ? id : null, department_id: type === 'DEPARTMENT' ? id : null, include_children: inherit ? 1 : 0, created_at: at });
      [...tree[0]!, ...tree[1]!].forEach((d, i) => grant('DEPARTMENT', d, i % 20, 'read', true));
      groupIds.slice(0, 200).forEach((g, i) => grant('GROUP', g, i % 20, 'write', false));
      userIds.slice(0, 1000).forEach((u, i) => grant('USER', u, i % 20, 'delete', false));
      await bulk(db, 'permission_grants', grants);
      if (c.db.dialect === 'postgres') await (db as any).executeQuery({ sql: 'analyze', parameters: [], query: { kind: 'RawNode' } }).catch(() => undefined);
      c.services.permissions.invalidate(poolId);
      const seedSeconds = (Date.now() - t0) / 1000;
      opts.log(`  seeded in ${seedSeconds.toFixed(1)} s`);

      const perms = c.services.permissions;
      const check = (u: number, r: number, a: string) => perms.isActionAllowed(poolId, { userId: userIds[u % USERS]!, resource: `res${r % 20}`, action: a });
      const actions = ['read', 'write', 'delete', 'share'];
      // First checks: each user once (an effective-grants query, then cached).
      const coldN = opts.quick ? 2000 : 20_000;
      let c0 = cpuS();
      let w0 = Date.now();
      let allowed = 0;
      for (let i = 0; i < coldN; i++) if (await check(i * 5, i, actions[i % 4]!)) allowed++;
      const cold: Rate = { checks: coldN, wallS: (Date.now() - w0) / 1000, cpuS: cpuS() - c0, perCpuS: 0, perWallS: 0 };
      // Cached checks over the same users, random resource and action.
      const warmN = opts.quick ? 200_000 : 2_000_000;
      let x = 12345;
      c0 = cpuS();
      w0 = Date.now();
      for (let i = 0; i < warmN; i++) {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        if (await check((x % coldN) * 5, x >> 8, actions[x & 3]!)) allowed++;
      }
      const warm: Rate = { checks: warmN, wallS: (Date.now() - w0) / 1000, cpuS: cpuS() - c0, perCpuS: 0, perWallS: 0 };
      for (const r of [cold, warm]) {
        r.perCpuS = r.checks / Math.max(r.cpuS, 1e-9);
        r.perWallS = r.checks / Math.max(r.wallS, 1e-9);
      }
      out.permissions = { users: USERS, groups: GROUPS, departments: 10_000, grants: grants.length, warm, cold, allowedShare: allowed / (coldN + warmN), seedSeconds };
      opts.log(`  cached: ${warm.perCpuS.toFixed(0)} checks per CPU-s; first checks: ${cold.perCpuS.toFixed(0)} per CPU-s`);
    }

    if (opts.want('subtree')) {
      const t0 = Date.now();
      // 10, 100, 1,000, 10,000, 88,890 below the root: 100,000 departments on five levels.
      const levels = [10, 100, 1_000, 10_000, 88_890];
      opts.log('subtree: seeding an organisation of 100,000 departments…');
      const org = await c.services.organizations.createOrganization(poolId, { organizationCode: 'big-org', organizationName: 'Big' });
      const orgRow = await (db as any).selectFrom('organizations').selectAll().where('pool_id', '=', poolId).where('code', '=', 'big-org').executeTakeFirstOrThrow();
      const tree = await seedTree(db, poolId, orgRow.id, org.departmentId as string, levels, at);
      const seedSeconds = (Date.now() - t0) / 1000;
      opts.log(`  seeded in ${seedSeconds.toFixed(1)} s`);
      const runs = opts.quick ? 20 : 100;
      const time = async (departmentId: string): Promise<Timing> => {
        const ms: number[] = [];
        let descendants = 0;
        for (let i = 0; i < runs + 3; i++) {
          const s = process.hrtime.bigint();
          const r = await c.services.organizations.listAll(poolId, { organizationCode: 'big-org', departmentId }, { page: 1, limit: 1000 });
          const took = Number(process.hrtime.bigint() - s) / 1e6;
          if (i >= 3) ms.push(took); // the first runs warm the page cache
          descendants = r.totalCount;
        }
        return { descendants, runs, p50ms: percentile(ms, 50), p99ms: percentile(ms, 99) };
      };
      const root = await time('root');
      const level1 = await time(tree[0]![0]!);
      out.subtree = { departments: levels.reduce((a, b) => a + b, 0), levels, root, level1, seedSeconds };
      opts.log(`  below the root: p50 ${root.p50ms.toFixed(1)} ms (${root.descendants}); below a level-1 department: p50 ${level1.p50ms.toFixed(1)} ms (${level1.descendants})`);
    }
  } finally {
    await c.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
