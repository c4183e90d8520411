import { randomBytes } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import type { KvStore } from '../../storage/kv/types.js';
import type { UserRow, UsersRepo } from '../../storage/repositories/users.js';
import { isUserDisabled } from '../users/status.js';
import type { QrCodeSettings } from './settings.js';
import { createQrStore } from './store.js';
import { reportedStatus, type QrRecord, type ReportedStatus } from './types.js';

/**
 * QR-code scan login (issue #6; seeds/001_a3c36f13b3a5cb98.txt "Use QR code scanning to log in"):
 * the web page generates a code and polls; the signed-in mobile app scans, then confirms or
 * cancels; the web side gets a single-use ticket and signs in with it through the sign-in
 * engine (the `qrcode` login method takes the ticket; `flows/qrcode-sign-in.ts`). The three HTTP
 * generations (/api/qrcode, /api/v2/qrcode, /api/v3) are thin mappings over this one service.
 */
export interface QrCodeDeps {
  kv: KvStore;
  settings: (poolId: string) => Promise<QrCodeSettings>;
  users: Pick<UsersRepo, 'findById'>;
}

/** customData is written into the QR image; QR codes hold ~2.9 kB, the rest of the payload needs room. */
export const MAX_CUSTOM_DATA_BYTES = 1024;
/** After a code expires or is decided, its state stays readable this long so pollers see "expired"/"cancelled", not "unknown". */
const RETAIN_MS = 10 * 60 * 1000;

/** 256 random bits, URL-safe: ids and tickets are bearer capabilities. */
const secretId = () => randomBytes(32).toString('base64url');


export interface Actor {
  poolId: string;
  userId: string;
}

/** Who exchanges a ticket: a backend proven by app secret or management key, or an unauthenticated browser. */
export type ExchangeCaller = { kind: 'app'; poolId: string; appId: string } | { kind: 'management'; poolId: string; appId?: string } | { kind: 'browser'; poolId: string; appId: string | null };

export interface PollResult {
  record: QrRecord;
  status: ReportedStatus;
  /**
   * Present only when the pool enabled `returnFullUserInfo`, the code is authorised and has an
   * app: the poll itself signs in with this ticket (the first poll wins; tokens are never stored).
   */
  redeemable?: { ticket: string; appId: string };
}

export function createQrCodeService(deps: QrCodeDeps) {
  const store = createQrStore(deps.kv);

  async function load(id: string, callerPool?: string): Promise<QrRecord> {
    if (!/^[A-Za-z0-9_-]{16,128}$/.test(id)) throw new AppError('qrcode.not_found');
    const r = await store.read(id);
    if (!r) throw new AppError('qrcode.not_found');
    if (callerPool !== undefined && callerPool !== r.poolId) throw new AppError('qrcode.pool_mismatch');
    return r;
  }

  /** Loads a code for a mobile-side transition: same pool, still live. */
  async function forActor(id: string, actor: Actor): Promise<QrRecord> {
    const r = await load(id, actor.poolId);
    if (reportedStatus(r) === 'EXPIRED') throw new AppError('qrcode.expired');
    return r;
  }

  return {
    /** Reads a code without side effects (the image route); `poll` may consume a ticket in full-info mode. */
    get: (id: string) => load(id),

    async generate(input: { poolId: string; appId: string | null; customData?: unknown }): Promise<QrRecord> {
      const customData = input.customData ?? {};
      if (Buffer.byteLength(JSON.stringify(customData)) > MAX_CUSTOM_DATA_BYTES) throw new AppError('qrcode.custom_data_too_large', { params: { max: MAX_CUSTOM_DATA_BYTES } });
      const s = await deps.settings(input.poolId);
      const now = Date.now();
      const base = { id: secretId(), poolId: input.poolId, appId: input.appId, scene: 'APP_AUTH' as const, createdAt: now, expiresAt: now + s.qrTtlSeconds * 1000, customData };
      await store.create(base, s.qrTtlSeconds * 1000 + RETAIN_MS);
      return { ...base, status: 'PENDING', scannedUserId: null, brief: null, ticket: null, authorizedAt: null };
    },

    /** The web side's status query. `callerPool` when the request named a pool or app. */
    async poll(id: string, callerPool?: string): Promise<PollResult> {
      const record = await load(id, callerPool);
      const status = reportedStatus(record);
      if (status !== 'AUTHORIZED' || !record.ticket) return { record, status };
      const s = await deps.settings(record.poolId);
      if (!s.returnFullUserInfo || !record.appId) return { record, status };
      // Full-info mode (a documented risk): the first poll after confirmation consumes the
      // ticket, so tokens are never stored and are handed out once.
      return { record: { ...record, ticket: null }, status, redeemable: { ticket: record.ticket, appId: record.appId } };
    },

    async scan(id: string, actor: Actor): Promise<QrRecord> {
      const r = await forActor(id, actor);
      if (r.status !== 'PENDING') throw new AppError(r.status === 'SCANNED' ? 'qrcode.already_scanned' : 'qrcode.already_decided');
      const user = await deps.users.findById(actor.poolId, actor.userId);
      if (!user) throw new AppError('auth.not_logged_in');
      if (isUserDisabled(user)) throw new AppError('user.disabled');
      const brief = { nickname: user.nickname ?? user.name ?? user.username ?? '', photo: user.photo ?? '' };
      const ttl = Math.max(r.expiresAt - Date.now(), 0) + RETAIN_MS;
      if (!(await store.claimScan(id, { userId: actor.userId, brief }, ttl))) throw new AppError('qrcode.already_scanned');
      return { ...r, status: 'SCANNED', scannedUserId: actor.userId, brief };
    },

    async confirm(id: string, actor: Actor): Promise<QrRecord> {
      const r = await forActor(id, actor);
      checkDecidable(r, actor);
      const s = await deps.settings(r.poolId);
      const at = Math.floor(Date.now() / 1000);
      const ticket = secretId();
      const ok = await store.decide(id, { kind: 'AUTHORIZED', ticket, at }, s.ticketTtlSeconds * 1000 + RETAIN_MS, {
        value: { qrId: id, poolId: r.poolId, appId: r.appId, userId: actor.userId, authTime: at },
        ttlMs: s.ticketTtlSeconds * 1000,
      });
      if (!ok) throw new AppError('qrcode.already_decided');
      return { ...r, status: 'AUTHORIZED', ticket, authorizedAt: at };
    },

    async cancel(id: string, actor: Actor): Promise<QrRecord> {
      const r = await forActor(id, actor);
      checkDecidable(r, actor);
      if (!(await store.decide(id, { kind: 'CANCELLED', ticket: null, at: Math.floor(Date.now() / 1000) }, RETAIN_MS))) throw new AppError('qrcode.already_decided');
      return { ...r, status: 'CANCELLED' };
    },

    /**
     * Who may redeem a ticket, checked BEFORE it is consumed, so a refused browser cannot burn a
     * ticket its backend is about to exchange. Answers the app the tokens will be for.
     */
    async authorizeExchange(ticket: string, caller: ExchangeCaller): Promise<{ poolId: string; appId: string }> {
      if (!/^[A-Za-z0-9_-]{16,128}$/.test(ticket)) throw new AppError('qrcode.ticket_invalid');
      const peek = await store.peekTicket(ticket);
      if (!peek) throw new AppError('qrcode.ticket_invalid');
      if (peek.poolId !== caller.poolId) throw new AppError('qrcode.pool_mismatch');
      if (caller.kind === 'browser' && !(await deps.settings(peek.poolId)).allowBrowserExchange) throw new AppError('qrcode.exchange_server_only');
      const callerApp = caller.appId ?? null;
      if (peek.appId && callerApp && callerApp !== peek.appId) throw new AppError('qrcode.app_mismatch');
      const appId = peek.appId ?? callerApp;
      if (!appId) throw new AppError('qrcode.app_required');
      return { poolId: peek.poolId, appId };
    },

    /** Consumes a ticket of this pool (atomic, single use): the `qrcode` login method's proof. */
    async takeTicket(poolId: string, ticket: string): Promise<{ userId: string; authTime: number } | null> {
      const t = await store.takeTicket(ticket);
      if (!t || t.poolId !== poolId) return null;
      return { userId: t.userId, authTime: t.authTime };
    },
  };
}

/** Confirm and cancel: only after a scan, only once, only by the user who scanned (seed: "call the scanned interface first"). */
function checkDecidable(r: QrRecord, actor: Actor): void {
  if (r.status === 'PENDING') throw new AppError('qrcode.not_scanned');
  if (r.status !== 'SCANNED') throw new AppError('qrcode.already_decided');
  if (r.scannedUserId !== actor.userId) throw new AppError('qrcode.not_scanner');
}

export type QrCodeService = ReturnType<typeof createQrCodeService>;
