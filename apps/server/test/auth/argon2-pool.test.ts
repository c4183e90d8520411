import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createArgon2Pool, HASH_THREAD_NAME, HASH_THREAD_NICE } from '../../src/services/passwords/argon2-pool.js';
import { ARGON2_PARAMS, createPasswordHasher } from '../../src/services/passwords/hasher.js';

/** Nice value of one of this process's threads (Linux: /proc/self/task/<tid>/stat, field 19). */
const niceOf = (tid: string) => {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
};
const threadNices = () => readdirSync('/proc/self/task').map(niceOf);
/** The ids of this process's threads named `name` (/proc/self/task/<tid>/comm). */
const threadsNamed = (name: string) => readdirSync('/proc/self/task').filter((tid) => readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() === name);

describe('argon2 worker pool (issue #7: hashing isolated from the event loop)', () => {
  it('hashes and verifies exactly like the library, and refuses malformed hashes', async () => {
    const pool = createArgon2Pool(2);
    try {
      const stored = await pool.hash('correct horse', { ...ARGON2_PARAMS, algorithm: 2 });
      expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      const results = await Promise.all([pool.verify(stored, 'correct horse'), pool.verify(stored, 'wrong'), pool.verify(stored, 'correct horse')]);
      expect(results).toEqual([true, false, true]);
      await expect(pool.verify('$argon2id$not-a-hash', 'x')).rejects.toThrow();
    } finally {
      await pool.close();
    }
  });

  it.skipIf(process.platform !== 'linux')('runs the hashes on threads below the event loop’s priority', async () => {
    const pool = createArgon2Pool(2);
    try {
      const stored = await pool.hash('pw', { ...ARGON2_PARAMS, algorithm: 2 });
      await Promise.all([pool.verify(stored, 'pw'), pool.verify(stored, 'pw')]); // both workers started
      const nices = threadNices();
      expect(nices.filter((n) => n === HASH_THREAD_NICE).length).toBeGreaterThanOrEqual(2);
      expect(threadNices()[0]).toBe(0); // the main (event-loop) thread keeps its priority
      // The hashing threads carry their name (for `top -H` and the bench's CPU accounting), and
      // the named ones are exactly those at the hashing priority.
      const named = threadsNamed(HASH_THREAD_NAME);
      expect(named.length).toBeGreaterThanOrEqual(2);
      expect(named.map(niceOf)).toEqual(named.map(() => HASH_THREAD_NICE));
    } finally {
      await pool.close();
    }
  });

  it.skipIf(process.platform !== 'linux')('with priority `idle` the hashing threads are SCHED_IDLE and the event loop stays SCHED_OTHER', async () => {
    // /proc/<pid>/task/<tid>/stat field 41 is the scheduling policy (proc(5)): 0 SCHED_OTHER, 5 SCHED_IDLE.
    const policies = () =>
      readdirSync('/proc/self/task').map((tid) => {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
      });
    const before = policies().filter((p) => p === 5).length;
    const pool = createArgon2Pool(2, 'idle');
    try {
      const stored = await pool.hash('pw', { ...ARGON2_PARAMS, algorithm: 2 });
      expect(await Promise.all([pool.verify(stored, 'pw'), pool.verify(stored, 'wrong')])).toEqual([true, false]);
      expect(policies().filter((p) => p === 5).length - before).toBeGreaterThanOrEqual(2);
      expect(policies()[0]).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('the hasher keeps its semantics on the pool (unknown accounts still cost a verification)', async () => {
    const h = createPasswordHasher({ concurrency: 2 });
    try {
      const stored = await h.hash('pw');
      expect(await h.verify(stored, 'pw')).toEqual({ ok: true, needsRehash: false });
      expect(await h.verify(stored, 'nope')).toEqual({ ok: false, needsRehash: false });
      expect(await h.verify(null, 'pw')).toEqual({ ok: false, needsRehash: false });
      await expect(h.verifyDummy('pw')).resolves.toBeUndefined();
    } finally {
      await h.close();
    }
  });
});
