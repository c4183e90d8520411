import { AppError } from '../../errors/app-error.js';

/**
 * Per-pool settings of QR-code scan login (issue #6), kept inside the pool's authentication
 * settings (services/credentials/settings.ts, `qrcode` section) so the management API
 * `get-/update-authentication-settings` reads and writes them.
 *
 * Defaults and their reasons are the seed's "Custom configuration items"
 * (seeds/001_a3c36f13b3a5cb98.txt, "Use QR code scanning to log in").
 */
export interface QrCodeSettings {
  /** QR code lifetime. Seed: "QR code validity period — Default 120 s." */
  qrTtlSeconds: number;
  /** Ticket lifetime. Seed: "The default validity period of the ticket is 300 seconds." */
  ticketTtlSeconds: number;
  /**
   * RISK when true: the unauthenticated status query returns the full user and a token set.
   * Seed: "Since the QR code status query interface has no permission verification … returning
   * user information (including login credentials token) directly in this interface is a
   * security risk". Default false: only nickname and avatar.
   */
  returnFullUserInfo: boolean;
  /** Seed: exchanging the ticket in the browser is "Not allowed by default, it needs to be called on the server side". */
  allowBrowserExchange: boolean;
}

export const DEFAULT_QRCODE_SETTINGS: QrCodeSettings = {
  qrTtlSeconds: 120,
  ticketTtlSeconds: 300,
  returnFullUserInfo: false,
  allowBrowserExchange: false,
};

const bad = (path: string, message: string) => new AppError('request.invalid_input', { details: [{ path, message }] });

/** Validates a merged section; bounds keep codes short-lived (a QR code is a bearer capability). */
export function validateQrCodeSettings(s: QrCodeSettings): QrCodeSettings {
  const int = (v: unknown, path: string, min: number, max: number) => {
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) throw bad(path, `must be an integer from ${min} to ${max}`);
  };
  int(s.qrTtlSeconds, 'qrcode.qrTtlSeconds', 10, 3600);
  int(s.ticketTtlSeconds, 'qrcode.ticketTtlSeconds', 10, 3600);
  for (const k of ['returnFullUserInfo', 'allowBrowserExchange'] as const) if (typeof s[k] !== 'boolean') throw bad(`qrcode.${k}`, 'must be a boolean');
  const unknown = Object.keys(s).filter((k) => !(k in DEFAULT_QRCODE_SETTINGS));
  if (unknown.length) throw bad(`qrcode.${unknown[0]}`, 'is not a setting');
  return s;
}
