import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompiledQuery, type Kysely, type RootOperationNode } from 'kysely';
import { startServer, type TestServer } from '../support/server.js';
import { postgresAvailable } from '../support/services.js';
import { createUsersRepo, type UserRow } from '../../src/storage/repositories/users.js';
import type { Database } from '../../src/storage/db/schema.js';
import { sortableId } from '../../src/utils/ids.js';

/**
 * Issue #7: sign-in must stay flat from 10k to 1M users, so the lookups it makes — a user by
 * email, username or phone within a pool (login-methods/password → users.findBy) — and the
 * management list-users page must be answered from an index, on both databases.
 *
 * The queries are the repository's own: the repository runs against the server's database
 * through a Kysely plugin that records each compiled statement, and through a wrapper that
 * records the precompiled lookups it executes (storage/db/compiled-query.ts) with their real
 * arguments; the test asks the database for the plan of exactly that SQL with its parameters. SQLite: EXPLAIN QUERY PLAN names the
 * index. PostgreSQL: EXPLAIN with enable_seqscan=off (the table is small here; a sequential scan
 * that is merely cheaper on a few rows would otherwise hide a missing index) shows an index scan.
 */
const hasPg = await postgresAvailable();

function recorder(db: Kysely<Database>) {
  const compiled: CompiledQuery[] = [];
  const spy = db.withPlugin({
    transformQuery: ({ node, queryId }) => {
      compiled.push(db.getExecutor().compileQuery(node as RootOperationNode, queryId));
      return node;
    },
    transformResult: async ({ result }) => result,
  });
  // Precompiled lookups are compiled once (with placeholder arguments, recorded above) and run
  // through db.executeQuery with the real ones: record those, the last word on what ran.
  const executing = new Proxy(spy, {
    get(target, prop) {
      if (prop === 'executeQuery') {
        return (q: CompiledQuery) => {
          compiled.push(q);
          return target.executeQuery(q);
        };
      }
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { repo: createUsersRepo(executing), compiled };
}

function explainSuite(dbKind: 'sqlite' | 'postgres', skip = false) {
  describe.skipIf(skip)(`user lookups use indexes (${dbKind})`, () => {
    let s: TestServer;
    let db: Kysely<Database>;

    beforeAll(async () => {
      s = await startServer({ db: dbKind });
      db = s.container.db.db;
      // A few thousand users in this pool and in a second pool, so the planner has a real table.
      const first = await s.container.services.users.create(s.poolId, { email: 'seed0@example.com', username: 'seed0', phone: '+8613100000000' } as never);
      const template = (await s.container.repos.users.findById(s.poolId, (first as { userId: string }).userId))!;
      const other = await s.container.services.pools.create({ name: 'other pool' });
      for (const poolId of [s.poolId, other.id]) {
        const rows: UserRow[] = [];
        for (let i = 1; i < 2000; i++) rows.push({ ...template, id: sortableId(), pool_id: poolId, email: `seed${i}@example.com`, username: `seed${i}`, phone: `+86131${String(i).padStart(8, '0')}` });
        await s.container.repos.users.insertMany(rows);
      }
      await db.executeQuery(CompiledQuery.raw(dbKind === 'sqlite' ? 'analyze' : 'analyze users'));
    }, 60_000);
    afterAll(async () => s?.close());

    /** The plan of the statement `run` makes through the users repository (by default the last one recorded: the one executed). */
    async function planOf(run: (repo: ReturnType<typeof createUsersRepo>) => Promise<unknown>, pick = (qs: CompiledQuery[]) => qs.at(-1)!): Promise<{ sql: string; plan: string; parameters: readonly unknown[] }> {
      const { repo, compiled } = recorder(db);
      await run(repo);
      const q = pick(compiled);
      if (dbKind === 'sqlite') {
        const rows = (await db.executeQuery(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]))).rows as Array<{ detail: string }>;
        return { sql: q.sql, plan: rows.map((r) => r.detail).join('\n'), parameters: q.parameters };
      }
      const plan = await db.connection().execute(async (conn) => {
        await conn.executeQuery(CompiledQuery.raw('set enable_seqscan = off'));
        try {
          const rows = (await conn.executeQuery(CompiledQuery.raw(`explain ${q.sql}`, [...q.parameters]))).rows as Array<{ 'QUERY PLAN': string }>;
          return rows.map((r) => r['QUERY PLAN']).join('\n');
        } finally {
          await conn.executeQuery(CompiledQuery.raw('reset enable_seqscan'));
        }
      });
      return { sql: q.sql, plan, parameters: q.parameters };
    }

    const usesIndex = (plan: string, index: string) => {
      if (dbKind === 'sqlite') {
        expect(plan).toMatch(new RegExp(`USING (COVERING )?INDEX ${index}\\b`));
        expect(plan).not.toMatch(/^SCAN users\b/m);
      } else {
        expect(plan).toMatch(new RegExp(`(Index Scan|Index Only Scan|Bitmap Index Scan) (using|on) ${index}\\b`));
        expect(plan).not.toMatch(/Seq Scan/);
      }
    };

    it.each([
      ['email', 'seed1234@example.com', 'users_pool_email'],
      ['username', 'seed1234', 'users_pool_username'],
      ['phone', '+8613100001234', 'users_pool_phone'],
    ] as const)('sign-in lookup by %s within a pool', async (column, value, index) => {
      const { sql, plan, parameters } = await planOf(async (repo) => expect((await repo.findBy(s.poolId, column, value))?.[column]).toBe(value));
      expect(sql).toMatch(/"pool_id" = /);
      expect(parameters).toEqual([s.poolId, value]);
      usesIndex(plan, index);
    });

    it('list-users page (rows and total count) is filtered through the pool index', async () => {
      let result: { rows: unknown[]; total: number } | undefined;
      const rows = await planOf(async (repo) => (result = await repo.list(s.poolId, { offset: 0, limit: 10 })), (qs) => qs.find((q) => /limit/i.test(q.sql))!);
      expect(result!.total).toBe(2000);
      expect(result!.rows).toHaveLength(10);
      const count = await planOf((repo) => repo.list(s.poolId, { offset: 0, limit: 10 }), (qs) => qs.find((q) => /count\(/i.test(q.sql))!);
      // Any of the (pool_id, …) indexes answers the pool filter; which one is the planner's choice.
      const poolIndex = '(users_pool_\\w+)';
      usesIndex(rows.plan, poolIndex);
      usesIndex(count.plan, poolIndex);
    });
  });
}

explainSuite('sqlite');
explainSuite('postgres', !hasPg);
