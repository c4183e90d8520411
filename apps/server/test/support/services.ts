import { createConnection } from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Real PostgreSQL and Redis for the suites that need them (DEVELOPERS.md: no mocks of our
 * own storage). On a machine without them `npm test` skips those suites and says so loudly;
 * with GATEHOUSE_TEST_REQUIRE_SERVICES=1 (set by .ci/run) a missing service fails the run.
 */
export const PG_ADMIN_URL = process.env.GATEHOUSE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.GATEHOUSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REQUIRE = process.env.GATEHOUSE_TEST_REQUIRE_SERVICES === '1';

function portOpen(url: string, fallbackPort: number): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const sock = createConnection({ host: u.hostname, port: Number(u.port || fallbackPort) });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

async function available(name: string, url: string, port: number): Promise<boolean> {
  const ok = await portOpen(url, port);
  if (!ok) {
    const msg = `${name} is not reachable at ${url}`;
    if (REQUIRE) throw new Error(`${msg} and GATEHOUSE_TEST_REQUIRE_SERVICES=1: failing instead of skipping.`);
    process.stderr.write(`\n!!! ${msg}: SKIPPING the ${name} suites. Start ${name} (or run .ci/run) to test them. !!!\n\n`);
  }
  return ok;
}

/** Top-level await in a test file: `const hasPg = await postgresAvailable(); describe.skipIf(!hasPg)(…)`. */
export const postgresAvailable = () => available('PostgreSQL', PG_ADMIN_URL, 5432);
export const redisAvailable = () => available('Redis', REDIS_URL, 6379);

/** A fresh, empty PostgreSQL database for one test file; `drop()` removes it. */
export async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `gh_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
