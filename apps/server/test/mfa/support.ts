import { Secret, TOTP, URI } from 'otpauth';
import { decodeJwt } from 'jose';
import type { AuthenticationClient } from 'authing-node-sdk';

/** The TOTP an authenticator app would compute from an otpauth:// URI, `stepOffset` steps from now. */
export function totpFrom(uri: string) {
  const t = URI.parse(uri) as TOTP;
  return { code: (stepOffset = 0) => t.generate({ timestamp: Date.now() + stepOffset * 30_000 }), secret: t.secret.base32 };
}
export const totpOf = (base32: string, stepOffset = 0) => new TOTP({ secret: Secret.fromBase32(base32), period: 30, digits: 6, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + stepOffset * 30_000 });

/**
 * Calls a Gatehouse route the vendor client has no method for (`/api/v3/mfa/verify`) through the
 * client's own transport (same headers: x-authing-app-id, raw authorization).
 */
export const viaClient = (c: AuthenticationClient, url: string, data: Record<string, unknown>) =>
  (c as unknown as { httpClient: { request(cfg: { method: string; url: string; data?: unknown }): Promise<any> } }).httpClient.request({ method: 'POST', url, data });

export const idClaims = (idToken: string) => decodeJwt(idToken) as { amr?: string[]; acr?: string; sub: string };
