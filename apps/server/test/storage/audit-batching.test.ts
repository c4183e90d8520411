import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDb, type DbHandle } from '../../src/storage/db/connect.js';
import { migrateToLatest } from '../../src/storage/db/migrate.js';
import { createAuditRepo, type AuditRepo } from '../../src/storage/repositories/audit.js';
import { createAuditService } from '../../src/services/audit.js';

/**
 * Audit events are written in batches off the request path (services/audit.ts, issue #7).
 * What must hold: nothing is lost on close, reads see every event recorded before them, the
 * queue is bounded without dropping, and a failed batch is kept and written later.
 */
describe.each([
  ['through Kysely', false],
  ['with the direct SQLite statement', true],
] as const)('audit service batching (SQLite, %s)', (_how, direct) => {
  let dir: string;
  let h: DbHandle;
  let repo: AuditRepo;
  const count = async (pool: string) => (await h.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).where('pool_id', '=', pool).executeTakeFirstOrThrow()).n;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-audit-'));
    h = await connectDb(`sqlite:${join(dir, 'a.db')}`);
    await migrateToLatest(h);
    repo = createAuditRepo(h.db, direct ? h.sqlite : undefined);
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes off the request path, and close() writes everything still queued', async () => {
    const audit = createAuditService(repo, { flushDelayMs: 60_000 });
    for (let i = 0; i < 1234; i++) await audit.record({ poolId: 'p-close', type: 't', result: 'success', data: { i } });
    // 1234 > batchSize 500: two full batches went out at once, the rest waits for the (long) timer.
    await audit.close();
    expect(Number(await count('p-close'))).toBe(1234);
  });

  it('keeps writing after a flush with nothing queued (a read on an idle writer)', async () => {
    const audit = createAuditService(repo, { flushDelayMs: 5 });
    await audit.list('p-idle'); // nothing queued: this flush must not leave the writer stuck
    for (let i = 0; i < 3; i++) {
      await audit.record({ poolId: 'p-idle', type: 't', result: 'success', data: { i } });
      expect((await audit.list('p-idle')).length).toBe(i + 1);
    }
    await audit.close();
  });

  it('list() reads its own writes and keeps the order', async () => {
    const audit = createAuditService(repo, { flushDelayMs: 60_000 });
    for (let i = 0; i < 5; i++) await audit.record({ poolId: 'p-list', type: `t${i}`, result: 'success' });
    const listed = await audit.list('p-list', 10);
    expect(listed.map((e) => e.type).sort()).toEqual(['t0', 't1', 't2', 't3', 't4']);
    await audit.close();
  });

  it('is bounded: beyond maxQueued, record() waits for the writer instead of dropping', async () => {
    const slow: AuditRepo = {
      ...repo,
      insertMany: async (rows) => {
        await new Promise((r) => setTimeout(r, 5));
        await repo.insertMany(rows);
      },
    };
    const audit = createAuditService(slow, { flushDelayMs: 60_000, batchSize: 10, maxQueued: 20 });
    await Promise.all(Array.from({ length: 200 }, (_, i) => audit.record({ poolId: 'p-bound', type: 't', result: 'success', data: { i } })));
    // Every record() has returned: at most maxQueued (+ one batch) may still be waiting in memory.
    expect(Number(await count('p-bound'))).toBeGreaterThanOrEqual(200 - 20 - 10);
    await audit.close();
    expect(Number(await count('p-bound'))).toBe(200);
  });

  it('writes a batch all or nothing', async () => {
    const row = (id: string) => ({ id, pool_id: 'p-atomic', at: new Date().toISOString(), type: 't', actor: null, subject: null, ip: null, user_agent: null, result: 'success', request_id: null, data: '{}' });
    await expect(repo.insertMany([row('atomic-1'), row('atomic-2'), row('atomic-1')])).rejects.toThrow();
    expect(Number(await count('p-atomic'))).toBe(0);
    await repo.insertMany([row('atomic-1'), row('atomic-2')]);
    expect(Number(await count('p-atomic'))).toBe(2);
  });

  it('a batch that fails is kept and written by a later flush', async () => {
    let fail = 2; // the first attempt and its retry
    const errors: number[] = [];
    const flaky: AuditRepo = {
      ...repo,
      insertMany: async (rows) => {
        if (fail-- > 0) throw new Error('database is locked');
        await repo.insertMany(rows);
      },
    };
    const audit = createAuditService(flaky, { flushDelayMs: 60_000, onError: (_e, n) => errors.push(n) });
    await audit.record({ poolId: 'p-retry', type: 't', result: 'failure' });
    await expect(audit.flush()).rejects.toThrow('database is locked');
    expect(errors).toEqual([1]);
    await audit.close();
    expect(Number(await count('p-retry'))).toBe(1);
  });
});
