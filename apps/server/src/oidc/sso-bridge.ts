import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../errors/app-error.js';
import type { SsoLogin, SsoSessionBridge } from '../services/sso-protocols/types.js';
import type { ProviderRegistry } from './provider.js';

/**
 * SAML and CAS share oidc-provider's SSO session (docs/saml.md, "One session for every protocol"):
 *
 *  - a SAML/CAS request becomes an authorization request of the application's own client, whose
 *    redirect URI is our continuation endpoint (registered for the app by oidc/clients.ts when
 *    SAML or CAS is on), with PKCE and `prompt=login` / `prompt=none` for ForceAuthn/renew and
 *    IsPassive/gateway. oidc-provider reuses the browser's session or sends it through the
 *    hosted login — the sign-in engine, MFA policy and all — for that application;
 *  - the code comes back to us and is redeemed here, in-process, with the same checks as the
 *    token endpoint (client, redirect URI, expiry, single use, PKCE S256), yielding the user and
 *    the facts of the authentication (amr, acr, auth_time) and the session it lives in;
 *  - logout ends the provider session exactly as /oidc/session/end does (grants revoked).
 */
export function createSsoBridge(registry: ProviderRegistry): SsoSessionBridge {
  const expired = () => new AppError('saml.session_expired');

  async function sessionOf(poolId: string, req: IncomingMessage, res: ServerResponse) {
    const provider = await registry.get(poolId);
    const session = await provider.Session.get({ req, res } as never);
    return { provider, session };
  }

  return {
    poolBase: async (poolId) => (await registry.entry(poolId)).base,

    async authorizationUrl(poolId, appId, p) {
      const { issuer } = await registry.entry(poolId);
      const q = new URLSearchParams({ client_id: appId, response_type: 'code', scope: 'openid', redirect_uri: p.redirectUri, state: p.state, code_challenge: p.codeChallenge, code_challenge_method: 'S256' });
      if (p.prompt) q.set('prompt', p.prompt);
      if (p.acrValues) q.set('acr_values', p.acrValues);
      return `${issuer}/auth?${q.toString()}`;
    },

    async redeem(poolId, appId, p): Promise<SsoLogin> {
      const provider = await registry.get(poolId);
      const code = await provider.AuthorizationCode.find(p.code);
      if (!code || code.isExpired || code.clientId !== appId || code.redirectUri !== p.redirectUri || !code.accountId || !code.sessionUid) throw expired();
      // PKCE S256 (RFC 7636 §4.6), constant time.
      const expected = Buffer.from(createHash('sha256').update(p.codeVerifier).digest('base64url'));
      const challenge = Buffer.from(String(code.codeChallenge ?? ''));
      if (code.codeChallengeMethod !== 'S256' || expected.length !== challenge.length || !timingSafeEqual(expected, challenge)) throw expired();
      if ((code as unknown as { consumed?: unknown }).consumed) {
        // A second redemption: the grant goes, as at the token endpoint (RFC 6749 §4.1.2).
        if (code.grantId) await Promise.all([provider.AccessToken.revokeByGrantId(code.grantId), provider.RefreshToken.revokeByGrantId(code.grantId), provider.AuthorizationCode.revokeByGrantId(code.grantId)]);
        throw expired();
      }
      await code.consume();
      return {
        userId: code.accountId,
        amr: Array.isArray(code.amr) ? code.amr : [],
        ...(code.acr ? { acr: code.acr } : {}),
        authTime: typeof code.authTime === 'number' ? code.authTime : Math.floor(Date.now() / 1000),
        sessionUid: code.sessionUid,
      };
    },

    async session(poolId, req, res) {
      const { session } = await sessionOf(poolId, req, res);
      return session.accountId ? { uid: session.uid, accountId: session.accountId, authTime: session.authTime() ?? 0 } : null;
    },

    async endSession(poolId, req, res) {
      const { provider, session } = await sessionOf(poolId, req, res);
      if (!session.accountId) return null;
      const who = { uid: session.uid, accountId: session.accountId };
      // What /oidc/session/end with logout=yes does: revoke each client's grant (unless it persists logout), destroy, expire the cookie.
      for (const [clientId, auth] of Object.entries(session.authorizations ?? {})) {
        const grantId = (auth as { grantId?: string }).grantId;
        if (!grantId || session.authorizationFor(clientId)?.persistsLogout) continue;
        await Promise.all([
          provider.AccessToken.revokeByGrantId(grantId),
          provider.RefreshToken.revokeByGrantId(grantId),
          provider.AuthorizationCode.revokeByGrantId(grantId),
          provider.DeviceCode.revokeByGrantId(grantId),
          provider.Grant.find(grantId).then((g) => g?.destroy()),
        ]);
      }
      await session.destroy();
      const name = provider.cookieName('session');
      res.appendHeader('set-cookie', [`${name}=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly; samesite=lax`, `${name}.sig=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly; samesite=lax`]);
      return who;
    },

    claims: (poolId, userId) => registry.accountClaims(poolId, userId),
  };
}
