import Provider, { errors, type Configuration } from 'oidc-provider';
import { isAppError } from '../errors/app-error.js';
import type { ScriptClaims } from '../services/tokens/types.js';

/** A script's refusal at the provider's token endpoint is an OAuth error (RFC 6749 §5.2), never a 500. */
function refusal(err: unknown): Error {
  return isAppError(err) ? new errors.AccessDenied(err.code === 'pipeline.denied' ? String(err.params?.message ?? 'access denied') : 'a sign-in rule refused the token') : (err as Error);
}

/**
 * `extraTokenClaims` of the provider: user scripts at PRE_OIDC_ACCESS_TOKEN_ISSUED add claims to
 * every access token with a user (authorization code, refresh, the direct API's tokens).
 */
export function scriptAccessTokenClaims(poolId: string, claims: ScriptClaims): NonNullable<Configuration['extraTokenClaims']> {
  return async (_ctx, token) => {
    const t = token as { accountId?: string; clientId?: string };
    if (!t.accountId || !t.clientId) return undefined;
    try {
      return await claims.accessToken({ poolId, appId: t.clientId, userId: t.accountId });
    } catch (err) {
      throw refusal(err);
    }
  };
}

/**
 * ID tokens the provider's own endpoints issue (hosted login's code exchange, refresh): user
 * scripts at PRE_OIDC_ID_TOKEN_ISSUED add claims. The direct API's ID tokens (no Koa context)
 * get theirs from the sign-in engine's `tokenClaims` instead, with the sign-in's request.
 */
export function addScriptIdTokenClaims(provider: Provider, poolId: string, claims: ScriptClaims): void {
  type IdTokenThis = { ctx?: object; available: Record<string, unknown>; client?: { clientId: string }; set: (k: string, v: unknown) => void };
  const IdToken = provider.IdToken as unknown as { prototype: { issue: (o?: { use?: string }) => Promise<string> } };
  const issue = IdToken.prototype.issue;
  IdToken.prototype.issue = async function (this: IdTokenThis, opts?: { use?: string }) {
    const sub = this.available.sub;
    if (opts?.use === 'idtoken' && this.ctx && typeof sub === 'string' && this.client) {
      let extra: Record<string, unknown> | undefined;
      try {
        extra = await claims.idToken({ poolId, appId: this.client.clientId, userId: sub });
      } catch (err) {
        throw refusal(err);
      }
      for (const [k, v] of Object.entries(extra ?? {})) if (!(k in this.available)) this.set(k, v);
    }
    return issue.call(this, opts);
  };
}
