import { availableParallelism } from 'node:os';
import { createHash, pbkdf2, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import * as argon2 from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { AppError } from '../../errors/app-error.js';
import { createArgon2Pool, type Argon2Pool, type HashThreadPriority } from './argon2-pool.js';

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (pw: string | Buffer, salt: Buffer, keylen: number, opts: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

/**
 * Password storage (issue #4; ASVS 11.4.2, security.md §0 item 5).
 *
 * New hashes: argon2id at the OWASP parameters m=19456 KiB, t=2, p=1 via @node-rs/argon2,
 * computed on its own pool of worker threads (one per core) that run at a lower OS priority
 * than the event loop (argon2-pool.ts), so a sign-in flood cannot starve token and userinfo
 * requests of CPU. A semaphore bounds concurrent hash/verify jobs to the number of cores, so a
 * burst of sign-ins queues instead of exhausting threads or memory (19 MiB per job).
 *
 * Verification accepts these imported formats; `verify` says `needsRehash` for all but the
 * current argon2id parameters, and the sign-in flow then stores a fresh argon2id hash:
 *
 * | format | meaning |
 * |---|---|
 * | `$argon2id$v=19$m=…,t=…,p=…$salt$hash` (also argon2i/argon2d) | PHC string, any parameters |
 * | `$2a$`, `$2b$`, `$2y$` + cost | bcrypt (bcryptjs) |
 * | `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt b64>$<hash b64>` | scrypt, PHC style |
 * | `$pbkdf2-sha256$<iter>$<salt ab64>$<hash ab64>` (also sha1, sha512) | passlib style |
 * | `pbkdf2_sha256$<iter>$<salt>$<hash b64>` | Django style (salt used as text) |
 * | `md5$<salt>$<hex>`, `sha1$…`, `sha256$…`, `sha512$…` | hex digest of salt + password (Django legacy) |
 * | `md5-ps$<salt>$<hex>` (and sha1/sha256/sha512) | hex digest of password + salt |
 * | `md5$$<hex>` | unsalted digest (empty salt) |
 *
 * Passwords are used exactly as received: no trimming, case folding, or truncation.
 *
 * bcrypt reads only the first 72 bytes of a password (bcrypt's design; bcryptjs as the legacy
 * systems did). So for an imported bcrypt hash of a longer password, its 72-byte prefix verifies
 * too — inherent, and the same as in the system it came from. What must not happen is an upgrade
 * computed from such an input: after a sign-in with the prefix, argon2id of the prefix would
 * replace the hash and the real password would stop working (and the outcome would depend on
 * which was typed first). So a bcrypt hash verified with an input of 72 bytes or more is never
 * upgraded: that user keeps the bcrypt hash until they set a new password (docs/authentication.md
 * explains forcing a reset for such accounts). Shorter inputs are the whole password and are
 * upgraded as usual.
 */
/** bcrypt uses at most this many bytes of the password (the 72-byte key schedule limit). */
export const BCRYPT_MAX_BYTES = 72;
const isBcrypt = (stored: string) => /^\$2[aby]\$/.test(stored);
export const ARGON2_PARAMS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
const ARGON2ID = 2; // Algorithm.Argon2id (a const enum in the typings)

export interface VerifyResult {
  ok: boolean;
  /** True when the hash should be replaced by a current argon2id hash (legacy format or parameters). */
  needsRehash: boolean;
  /** false when the stored hash must not be replaced from this input at all (a bcrypt hash and an input it may have truncated), even if an administrator marked it for refresh. */
  upgradable?: boolean;
}

class Semaphore {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

const DIGESTS = new Set(['md5', 'sha1', 'sha256', 'sha512']);

function constEq(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** passlib's "adapted base64": `.` instead of `+`, no padding. */
const ab64 = (s: string) => Buffer.from(s.replace(/\./g, '+'), 'base64');

/** Describes a stored hash without revealing it: used for validation of imports. */
export function hashFormat(stored: string): string | null {
  if (/^\$argon2(id|i|d)\$/.test(stored)) return 'argon2';
  if (/^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/.test(stored)) return 'bcrypt';
  if (/^\$scrypt\$ln=\d+,r=\d+,p=\d+\$[^$]+\$[^$]+$/.test(stored)) return 'scrypt';
  if (/^\$pbkdf2(-sha(1|256|512))?\$\d+\$[^$]+\$[^$]+$/.test(stored)) return 'pbkdf2';
  if (/^pbkdf2_sha(1|256)\$\d+\$[^$]+\$[^$]+$/.test(stored)) return 'pbkdf2';
  const m = /^(md5|sha1|sha256|sha512)(-ps)?\$([^$]*)\$([0-9a-fA-F]+)$/.exec(stored);
  if (m) return 'digest';
  return null;
}

export interface PasswordHasherOptions {
  /** Concurrent hash/verify jobs (and argon2 worker threads); default: the number of cores. */
  concurrency?: number;
  /** argon2 on dedicated low-priority worker threads (default) or on the libuv pool (false). */
  workers?: boolean;
  /** The worker threads' priority (argon2-pool.ts); default `low` (nice 19). */
  priority?: HashThreadPriority;
}

export function createPasswordHasher(opts: PasswordHasherOptions = {}) {
  const concurrency = Math.max(1, opts.concurrency ?? availableParallelism());
  const sem = new Semaphore(concurrency);
  let pool: Argon2Pool | undefined;
  if (opts.workers !== false) {
    try {
      pool = createArgon2Pool(concurrency, opts.priority);
    } catch {
      pool = undefined; // no worker threads here: the libuv pool still keeps hashing off the event loop
    }
  }
  const argonHash = (password: string) => (pool ? pool.hash(password, { ...ARGON2_PARAMS, algorithm: ARGON2ID }) : argon2.hash(password, { ...ARGON2_PARAMS, algorithm: ARGON2ID }));
  const argonVerify = (stored: string, password: string) => (pool ? pool.verify(stored, password) : argon2.verify(stored, password));
  // A real argon2id hash of a random value: unknown accounts are verified against it so they
  // cost the same time as known ones (security.md §0 item 11).
  let dummy: Promise<string> | undefined;
  const dummyHash = () => (dummy ??= argonHash(`dummy-${Math.random()}-${Date.now()}`));

  async function hash(password: string): Promise<string> {
    return sem.run(() => argonHash(password));
  }

  async function verifyArgon2(stored: string, password: string): Promise<VerifyResult> {
    const ok = await sem.run(() => argonVerify(stored, password)).catch(() => false);
    const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
    const current = !!m && Number(m[1]) === ARGON2_PARAMS.memoryCost && Number(m[2]) === ARGON2_PARAMS.timeCost && Number(m[3]) === ARGON2_PARAMS.parallelism;
    return { ok, needsRehash: ok && !current };
  }

  async function verifyLegacy(stored: string, password: string): Promise<boolean> {
    if (/^\$2[aby]\$/.test(stored)) return sem.run(() => bcrypt.compare(password, stored));
    let m = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$/.exec(stored);
    if (m) {
      const [, ln, r, p, salt, h] = m;
      const expected = Buffer.from(h!, 'base64');
      const N = 2 ** Number(ln);
      const got = await sem.run(() => scryptAsync(password, Buffer.from(salt!, 'base64'), expected.length, { N, r: Number(r), p: Number(p), maxmem: 256 * N * Number(r) + 1024 * 1024 }));
      return constEq(got, expected);
    }
    m = /^\$pbkdf2(?:-(sha1|sha256|sha512))?\$(\d+)\$([^$]+)\$([^$]+)$/.exec(stored);
    if (m) {
      const [, digest = 'sha1', iter, salt, h] = m;
      const expected = ab64(h!);
      const got = await sem.run(() => pbkdf2Async(password, ab64(salt!), Number(iter), expected.length, digest));
      return constEq(got, expected);
    }
    m = /^pbkdf2_(sha1|sha256)\$(\d+)\$([^$]+)\$([^$]+)$/.exec(stored);
    if (m) {
      const [, digest, iter, salt, h] = m;
      const expected = Buffer.from(h!, 'base64');
      const got = await sem.run(() => pbkdf2Async(password, Buffer.from(salt!, 'utf8'), Number(iter), expected.length, digest!));
      return constEq(got, expected);
    }
    m = /^(md5|sha1|sha256|sha512)(-ps)?\$([^$]*)\$([0-9a-fA-F]+)$/.exec(stored);
    if (m && DIGESTS.has(m[1]!)) {
      const [, algo, ps, salt, hex] = m;
      const input = ps ? password + salt : salt + password;
      return constEq(createHash(algo!).update(input, 'utf8').digest(), Buffer.from(hex!.toLowerCase(), 'hex'));
    }
    return false;
  }

  return {
    hash,
    /** Verifies against any supported format. Unknown formats never verify. */
    async verify(stored: string | null | undefined, password: string): Promise<VerifyResult> {
      if (!stored) {
        await sem.run(async () => argonVerify(await dummyHash(), password).catch(() => false));
        return { ok: false, needsRehash: false };
      }
      if (stored.startsWith('$argon2')) return verifyArgon2(stored, password);
      const ok = await verifyLegacy(stored, password).catch(() => false);
      // Never upgrade a bcrypt hash from an input bcrypt may have truncated (see above).
      const truncatable = isBcrypt(stored) && Buffer.byteLength(password, 'utf8') >= BCRYPT_MAX_BYTES;
      return { ok, needsRehash: ok && !truncatable, ...(truncatable ? { upgradable: false } : {}) };
    },
    /** Spends the same effort as a real verification and always fails (unknown accounts). */
    async verifyDummy(password: string): Promise<void> {
      const d = await dummyHash();
      await sem.run(() => argonVerify(d, password)).catch(() => false);
    },
    /** Stops the worker threads (they are unreferenced while idle, so this is optional). */
    async close(): Promise<void> {
      await pool?.close();
    },
    /** Validates an imported hash string; throws auth.invalid_password_hash. */
    assertImportable(stored: string): void {
      if (!hashFormat(stored)) throw new AppError('auth.invalid_password_hash', { params: { reason: 'unrecognised format (see docs/authentication.md)' } });
    },
  };
}
export type PasswordHasher = ReturnType<typeof createPasswordHasher>;
