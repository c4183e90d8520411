import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startServer } from '../support/server.js';
import { postgresAvailable } from '../support/services.js';

/**
 * A bulk import refreshes the planner statistics of the users table (docs/performance.md:
 * without it PostgreSQL planned sign-ins at 1M users with the empty table's statistics and
 * scanned the pool, ~1 s per sign-in, until autovacuum caught up).
 */
const hasPg = await postgresAvailable();

describe.skipIf(!hasPg)('user import on PostgreSQL', () => {
  it('runs ANALYZE on the users table after a large import, and not after a small one', async () => {
    const s = await startServer({ db: 'postgres' });
    try {
      const db = s.container.db.db;
      const lastAnalyze = async () =>
        (await sql<{ last_analyze: Date | null }>`select last_analyze from pg_stat_user_tables where relname = 'users'`.execute(db)).rows[0]?.last_analyze ?? null;
      await s.container.accounts.users.importUsers(s.poolId, [{ email: 'small@example.com' }] as never);
      expect(await lastAnalyze()).toBeNull();
      const list = Array.from({ length: 1000 }, (_, i) => ({ email: `bulk${i}@example.com` }));
      const created = await s.container.accounts.users.importUsers(s.poolId, list as never);
      expect(created).toHaveLength(1000);
      // The statistics view is fed asynchronously; give it a moment.
      let seen: Date | null = null;
      for (let i = 0; i < 30 && !seen; i++) {
        seen = await lastAnalyze();
        if (!seen) await new Promise((r) => setTimeout(r, 100));
      }
      expect(seen).toBeInstanceOf(Date);
    } finally {
      await s.close();
    }
  });
});
