/**
 * The QR-code login state (issue #6) and how each API generation names it.
 *
 * One record per QR code; statuses move only forward: PENDING → SCANNED → AUTHORIZED | CANCELLED.
 * EXPIRED is not stored: a PENDING or SCANNED code past `expiresAt` is reported as expired.
 */
export type QrStatus = 'PENDING' | 'SCANNED' | 'AUTHORIZED' | 'CANCELLED';
export type ReportedStatus = QrStatus | 'EXPIRED';

export interface QrRecord {
  id: string;
  poolId: string;
  /** The application that generated the code; tokens from the ticket are issued for it. Absent when the seed's `/api/qrcode/gene` was called with only x-authing-userpool-id. */
  appId: string | null;
  scene: 'APP_AUTH';
  createdAt: number;
  expiresAt: number;
  customData: unknown;
  status: QrStatus;
  scannedUserId: string | null;
  /** Only nickname and avatar, captured at scan time for the web side's "scanned by …" display. */
  brief: { nickname: string; photo: string } | null;
  /** Set on AUTHORIZED; single use, see QrTicket. */
  ticket: string | null;
  /** Epoch seconds of the user's confirmation: the auth_time of the tokens. */
  authorizedAt: number | null;
}

export interface QrTicket {
  qrId: string;
  poolId: string;
  appId: string | null;
  userId: string;
  authTime: number;
}

/** Seed `/api/qrcode/check` numeric status: 0 not scanned, 1 scanned, 2 authorized, 3 cancelled, -1 expired. */
export const NUMERIC_STATUS: Record<ReportedStatus, number> = { PENDING: 0, SCANNED: 1, AUTHORIZED: 2, CANCELLED: 3, EXPIRED: -1 };

export function reportedStatus(r: QrRecord, now = Date.now()): ReportedStatus {
  if ((r.status === 'PENDING' || r.status === 'SCANNED') && now >= r.expiresAt) return 'EXPIRED';
  return r.status;
}

/** What the QR image encodes: the seed's JSON payload (scene, random, userPoolId, createdAt, expireAt, expiresIn, customData). */
export interface QrPayload {
  scene: 'APP_AUTH';
  random: string;
  userPoolId: string;
  createdAt: string;
  expireAt: string;
  expiresIn: number;
  customData: unknown;
}

export const payloadOf = (r: QrRecord): QrPayload => ({
  scene: r.scene,
  random: r.id,
  userPoolId: r.poolId,
  createdAt: new Date(r.createdAt).toISOString(),
  expireAt: new Date(r.expiresAt).toISOString(),
  expiresIn: Math.round((r.expiresAt - r.createdAt) / 1000),
  customData: r.customData ?? {},
});
