import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SsoLogin, SsoSessionBridge } from './types.js';

/** The browser's SSO session as it was when a SAML/CAS request came in (null: none). */
export type PriorSession = { uid: string; authTime: number } | null;

/** Reads the browser's session at the start of a request, for `signedInForRequest` later. */
export async function priorSession(bridge: SsoSessionBridge, poolId: string, http: { req: IncomingMessage; res: ServerResponse }): Promise<PriorSession> {
  const s = await bridge.session(poolId, http.req, http.res);
  return s ? { uid: s.uid, authTime: s.authTime } : null;
}

/**
 * Whether the authentication a redeemed code carries was made for this request, or reused from
 * the browser's SSO session (which decides the `login` event's method, and ForceAuthn/renew).
 *
 * `auth_time` has one-second resolution (OIDC Core §2), so "authenticated at or after the request
 * came in" alone reads an SSO reuse arriving in the same second as the sign-in it reuses as a new
 * sign-in. The session seen when the request came in settles it: with none, or with a different
 * one (uid or auth_time), the user authenticated for this request.
 *
 * With `prompt=login` (ForceAuthn, renew) oidc-provider always runs a new login (OIDC Core
 * §3.1.2.1), possibly within the same second and session as the previous one, so there only the
 * time is checked — as defence in depth, not as the mechanism.
 */
export function signedInForRequest(login: SsoLogin, p: { createdAt: number; prior?: PriorSession | undefined }, forcedLogin: boolean): boolean {
  if (login.authTime < Math.floor(p.createdAt / 1000)) return false;
  if (forcedLogin || !p.prior) return true;
  return login.sessionUid !== p.prior.uid || login.authTime !== p.prior.authTime;
}
