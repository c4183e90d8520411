import { AppError } from '../errors/app-error.js';
import type { AuditService } from '../services/audit.js';
import { SUPPORTED_SCOPES } from './claims.js';
import type { GatehouseClientMeta } from './clients.js';
import type { ProviderRegistry } from './provider.js';
import { firstSave } from './adapter.js';
import { leanSignInTokens } from './fast-signin-tokens.js';
import type { IssueTokensInput, LoginTokenResponseData, TokenService } from '../services/tokens/types.js';

/**
 * The one token service: every sign-in path (the /api/v3 sign-in family, QR tickets, the
 * hosted login) ends here. Tokens are minted through the pool's oidc-provider models — a Grant,
 * a JWT AccessToken for the pool's resource, an opaque RefreshToken, an IdToken — so they are
 * the provider's own tokens and behave identically at /oidc/me, introspection, revocation and
 * refresh. With `lean` (config `oidcFastEndpoints: on`, the default) the access and ID tokens are
 * built by fast-signin-tokens.ts, claim for claim what these models issue, wherever it can.
 */
export function createTokenService(registry: ProviderRegistry, audit: Pick<AuditService, 'record'>, opts: { lean?: boolean } = {}): TokenService {
  return {
    async issue(input: IssueTokensInput): Promise<LoginTokenResponseData> {
      const { provider, issuer } = await registry.entry(input.poolId);
      // The registry's Client instance (reused while the app is unchanged): Client.find would
      // serialise and hash the app's whole metadata again on every sign-in.
      const client = (await registry.client(input.poolId, input.appId)) as InstanceType<typeof provider.Client> | undefined;
      if (!client) throw new AppError('application.not_found');
      const gh = (client as unknown as { gatehouse?: GatehouseClientMeta }).gatehouse;

      const requested = (input.scope ?? 'openid profile').split(/\s+/).filter(Boolean);
      const allowed = new Set((gh?.scope ?? SUPPORTED_SCOPES.join(' ')).split(' '));
      allowed.add('openid');
      const scopes = [...new Set(requested.filter((s) => SUPPORTED_SCOPES.includes(s) && allowed.has(s)))];
      if (!scopes.includes('openid')) scopes.unshift('openid');
      const scope = scopes.join(' ');

      const resource = issuer;
      const lean = opts.lean ? leanSignInTokens(provider, client as never) : undefined;
      let grantId: string;
      if (lean) {
        grantId = await lean.grant({ userId: input.userId, scope, resource });
      } else {
        const grant = new provider.Grant({ accountId: input.userId, clientId: input.appId });
        grant.addOIDCScope(scope);
        grant.addResourceScope(resource, scope);
        // A new grant: its id is chosen here so the adapter knows there is no earlier record to read.
        const fresh = grant as unknown as { jti?: string; generateTokenId(): string };
        fresh.jti = fresh.generateTokenId();
        grantId = await firstSave(fresh.jti, () => grant.save());
      }

      const accessTokenTTL = gh?.accessTokenTtl ?? 7200;
      const authTime = input.facts.authTime;
      let accessToken: string;
      let expiresIn: number;
      if (lean) {
        ({ value: accessToken, expiresIn } = await lean.accessToken({ userId: input.userId, grantId, scope, resource, accessTokenTTL, gty: 'gatehouse_signin' }));
      } else {
        const resourceServer = new provider.ResourceServer(resource, {
          scope: gh?.scope ?? SUPPORTED_SCOPES.join(' '),
          audience: resource,
          accessTokenTTL,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        });
        const at = new provider.AccessToken({
          accountId: input.userId,
          client,
          grantId,
          scope,
          gty: 'gatehouse_signin',
          resourceServer,
        });
        accessToken = await at.save();
        expiresIn = at.expiration as number;
      }

      let refreshToken: string | undefined;
      if (scopes.includes('offline_access') && client.grantTypeAllowed('refresh_token')) {
        const rt = new provider.RefreshToken({
          accountId: input.userId,
          client,
          grantId,
          scope,
          gty: 'authorization_code', // refreshed through the ordinary refresh_token grant
          authTime,
          amr: input.facts.amr,
          acr: input.facts.acr,
          nonce: input.nonce,
          resource,
          rotations: 0,
          iiat: Math.floor(Date.now() / 1000),
        } as never);
        refreshToken = await rt.save();
      }

      const claims = await registry.accountClaims(input.poolId, input.userId, scope);
      if (!claims) throw new AppError('user.not_found');
      const available = { ...claims, amr: input.facts.amr, ...(input.facts.acr ? { acr: input.facts.acr } : {}), auth_time: authTime };
      // IdToken.issue() hashes the raw value for the ID token's algorithm (OIDC Core §3.1.3.6).
      const extra: Record<string, unknown> = { at_hash: accessToken };
      if (input.nonce) extra.nonce = input.nonce;
      // Claims of the sign-in's hooks (user scripts): never one the account or the provider already sets.
      for (const [k, v] of Object.entries(input.idTokenClaims ?? {})) if (!(k in claims) && !['amr', 'acr', 'auth_time', 'at_hash', 'nonce'].includes(k)) extra[k] = v;
      let id_token: string;
      if (lean) {
        id_token = await lean.idToken({ available, scope, extra });
      } else {
        const idToken = new provider.IdToken(available, { client, ctx: undefined as never });
        (idToken as unknown as { scope: string }).scope = scope;
        for (const [k, v] of Object.entries(extra)) idToken.set(k, v);
        id_token = await idToken.issue({ use: 'idtoken' });
      }

      void audit
        .record({ poolId: input.poolId, type: 'oidc.token.issued', result: 'success', actor: input.appId, subject: input.userId, data: { grantType: 'signin', amr: input.facts.amr, scope } })
        .catch(() => undefined);

      return {
        scope,
        access_token: accessToken,
        id_token,
        ...(refreshToken ? { refresh_token: refreshToken } : {}),
        token_type: 'Bearer',
        expire_in: expiresIn,
      };
    },

    async verifyAccessToken(poolId, token) {
      const provider = await registry.get(poolId);
      const at = await provider.AccessToken.find(token);
      if (!at || !at.accountId) return null;
      return { userId: at.accountId, appId: at.clientId!, scope: at.scope ?? '', jti: at.jti };
    },

    async verifyIdToken(poolId, appId, token) {
      const provider = await registry.get(poolId);
      const client = await provider.Client.find(appId);
      if (!client) return null;
      try {
        // The provider's own check (signature with the pool's keys, iss, aud = this client); it
        // ignores expiry (it serves id_token_hint), so `exp` is checked here (OIDC Core §3.1.3.7).
        const { payload } = (await provider.IdToken.validate(token, client)) as { payload: { sub?: unknown; exp?: unknown } };
        if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number' || payload.exp * 1000 <= Date.now()) return null;
        return { userId: payload.sub };
      } catch {
        return null;
      }
    },

    async revokeUserSessions(poolId, userId) {
      await registry.revocation(poolId).revokeAccount(userId);
    },
  };
}
