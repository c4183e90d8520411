import { randomInt } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import type { KvStore } from '../../storage/kv/types.js';
import { scopedKv } from '../../storage/kv/scoped.js';
import { safeEqual, type SecretBox } from '../../utils/crypto.js';
import { randomId } from '../../utils/ids.js';
import type { Channel, MessageKind } from './channels.js';

/**
 * One-time codes for SMS and email (security.md §0 item 14; ASVS 6.5.1, 6.5.3–6.5.5, 6.6.2–6.6.3):
 *
 * - digits from the CSPRNG (`crypto.randomInt`, uniform, no modulo bias);
 * - bound to pool (the KV prefix) + kind + channel + recipient: the KV key names all four, and
 *   the stored HMAC covers them too, so a code never verifies under another binding;
 * - stored as an HMAC (SecretBox.digest, keyed by the master secret), never in plain text;
 * - only the latest is valid: issuing overwrites the slot, and every issue gets a fresh id;
 * - single use: the first correct entry claims `used:<id>` with setIfAbsent (atomic), so two
 *   parallel correct entries cannot both pass;
 * - burned after `maxAttempts` wrong entries: each entry first takes a ticket with an atomic
 *   `incr`, so however many entries race, at most `maxAttempts` are ever compared.
 */
export interface CodeBinding {
  kind: MessageKind;
  channel: Channel;
  /** Normalised: E.164 phone or lower-case email. */
  recipient: string;
}

interface Stored {
  id: string;
  h: string;
}

const slot = (b: CodeBinding) => `pc:${b.kind}:${b.channel}:${b.recipient}`;
const triesKey = (id: string) => `pc:n:${id}`;
const usedKey = (id: string) => `pc:u:${id}`;

export function createPasscodes(kv: KvStore, box: SecretBox) {
  const mac = (poolId: string, b: CodeBinding, id: string, code: string) => box.digest(`passcode|${poolId}|${b.kind}|${b.channel}|${b.recipient}|${id}|${code}`);

  return {
    /** Creates the code for a binding, replacing any earlier one. The caller delivers it. */
    async issue(poolId: string, b: CodeBinding, opts: { length: number; ttlSeconds: number }): Promise<{ code: string; expiresAt: number }> {
      const code = String(randomInt(0, 10 ** opts.length)).padStart(opts.length, '0');
      const id = randomId(12);
      const ttlMs = opts.ttlSeconds * 1000;
      const v: Stored = { id, h: mac(poolId, b, id, code) };
      await scopedKv(kv, poolId).set(slot(b), JSON.stringify(v), ttlMs);
      return { code, expiresAt: Date.now() + ttlMs };
    },

    /**
     * Checks a code; throws passcode.invalid (wrong, expired, used, or none) or passcode.burned
     * (the attempt that exceeded the limit, and every later one for that code).
     */
    async verify(poolId: string, b: CodeBinding, code: string, opts: { maxAttempts: number }): Promise<void> {
      const s = scopedKv(kv, poolId);
      const raw = await s.get(slot(b));
      if (!raw || typeof code !== 'string' || code.length === 0 || code.length > 32) throw new AppError('passcode.invalid');
      const v = JSON.parse(raw) as Stored;
      const ttl = (await s.ttl(slot(b))) ?? 1;
      const n = await s.incr(triesKey(v.id), Math.max(ttl, 1));
      if (n > opts.maxAttempts) throw new AppError('passcode.burned');
      if (!safeEqual(mac(poolId, b, v.id, code.trim()), v.h)) {
        if (n === opts.maxAttempts) throw new AppError('passcode.burned');
        throw new AppError('passcode.invalid');
      }
      if (!(await s.setIfAbsent(usedKey(v.id), '1', Math.max(ttl, 1)))) throw new AppError('passcode.invalid');
    },
  };
}
export type Passcodes = ReturnType<typeof createPasscodes>;
