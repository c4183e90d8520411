import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { connectDb } from '../../src/storage/db/connect.js';
import { migrateToLatest } from '../../src/storage/db/migrate.js';

/**
 * Issue #22: SQLite WAL checkpoints run on a worker thread, never inside a request's COMMIT
 * (storage/db/sqlite-checkpointer.ts). What must hold: the server's connection does not
 * checkpoint on commit (wal_autocheckpoint 0), the worker does copy the WAL back (the WAL does
 * not grow for ever), every committed row survives — read by another connection while the
 * server runs, and after close and reopen — and a clean close leaves no WAL behind.
 */
describe('SQLite WAL checkpoints off the request path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-wal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('checkpoints in the background, keeps every row, and leaves an empty WAL on close', async () => {
    const file = join(dir, 'w.db');
    const h = await connectDb(`sqlite:${file}`);
    await migrateToLatest(h);
    expect(h.sqlite!.prepare('PRAGMA wal_autocheckpoint').get()).toEqual({ wal_autocheckpoint: 0 });
    expect(h.checkpointer).toBeDefined();

    // Autocommit writes, as requests make them: ~3,000 commits, far past SQLite's default
    // 1,000-page autocheckpoint.
    const insert = h.sqlite!.prepare("INSERT INTO kv (key, value, expires_at) VALUES (?, ?, 9999999999999)");
    const value = 'x'.repeat(2000);
    for (let i = 0; i < 3000; i++) insert.run(`wal-test:${i}`, value);

    // The worker copies the WAL back without any commit doing it: wait for a complete pass.
    const deadline = Date.now() + 60_000;
    while (h.checkpointer!.stats().complete === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const s = h.checkpointer!.stats();
    expect(s.complete, JSON.stringify(s)).toBeGreaterThan(0);

    // Another connection sees every row while the server's connection is open.
    const other = new SQLite(file, { readonly: true });
    expect(other.prepare("SELECT count(*) AS n FROM kv WHERE key LIKE 'wal-test:%'").get()).toEqual({ n: 3000 });
    other.close();

    await h.close();
    // A clean close runs a TRUNCATE checkpoint: nothing is left to replay.
    expect(!existsSync(`${file}-wal`) || statSync(`${file}-wal`).size === 0).toBe(true);
    const again = await connectDb(`sqlite:${file}`);
    try {
      expect(again.sqlite!.prepare("SELECT count(*) AS n FROM kv WHERE key LIKE 'wal-test:%'").get()).toEqual({ n: 3000 });
    } finally {
      await again.close();
    }
  }, 120_000);

  it('an in-memory database has no checkpointer (nothing to checkpoint)', async () => {
    const h = await connectDb('sqlite::memory:');
    try {
      expect(h.checkpointer).toBeUndefined();
    } finally {
      await h.close();
    }
  });
});
