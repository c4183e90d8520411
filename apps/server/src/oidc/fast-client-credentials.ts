import type { IncomingHttpHeaders } from 'node:http';
// @ts-expect-error -- internal module of oidc-provider (no types): its per-provider configuration, read for the static scopes.
import instance from 'oidc-provider/lib/helpers/weak_cache.js';
import { deferred, json, secretAuthenticatedClient, secretCredentials, strictForm, type FastClient, type FastResponse } from './fast-common.js';
import type { ProviderRegistry } from './provider.js';

/**
 * The token endpoint's `grant_type=client_credentials` (RFC 6749 §4.4) without oidc-provider's
 * request machinery (issue #22: a machine-to-machine token at or above the bare library's rate).
 * oidc-provider's path for this grant is a Koa context, its body parser run a second time behind
 * the Fastify bridge, a dozen middlewares and `Client.find` (which serialises and hashes the
 * client's whole metadata on every call); the token itself is cheap. This handler takes the
 * common, well-formed request — client_secret_basic or client_secret_post, `grant_type` and
 * `scope` only — and mints the token with the provider's own `ClientCredentials` model and
 * resource server, so the JWT (header, claims and their order, lifetime, signing key) is the
 * one oidc-provider would have issued; it follows lib/actions/token.js and
 * lib/actions/grants/client_credentials.js step for step, and test/oidc/fast-client-credentials.test.ts
 * compares both paths' answers and tokens.
 *
 * Anything else returns `undefined` and goes to oidc-provider unchanged: a failed or unusual
 * client authentication (so invalid_client is answered and audited there), `resource`,
 * `authorization_details`, DPoP or mTLS binding, attestation, CORS (Origin), duplicate, empty
 * or unknown parameters, and every error — a scope the app may not have included (provider.ts
 * refuseUngrantedClientCredentialsScopes). The lean path never answers an error itself.
 */

type ClientCredentialsToken = {
  scope?: string;
  resourceServer?: unknown;
  expiration: number;
  tokenType: string;
  save(): Promise<string>;
};
type Models = {
  ClientCredentials: new (o: { client: FastClient; scope?: string }) => ClientCredentialsToken;
  ResourceServer: new (identifier: string, info: object) => { scopes: Set<string> };
};

const PARAMS = new Set(['grant_type', 'scope', 'client_id', 'client_secret']);
/** RFC 6749 §3.3 scope-token syntax, as oidc-provider checks it (helpers/is_valid_scope.js). */
const SCOPE_SYNTAX = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/;

export interface TokenRequest {
  headers: IncomingHttpHeaders;
  /** The form body as oidc-provider would read it (after mount.ts's default-scope rewrite). */
  body: string;
  ip: string;
  requestId: string;
}

export function createFastClientCredentials(registry: ProviderRegistry) {
  return async function clientCredentials(poolId: string, req: TokenRequest): Promise<FastResponse | undefined> {
    if (deferred(req.headers)) return undefined;
    const params = strictForm(req.headers, req.body, PARAMS);
    if (!params || params.get('grant_type') !== 'client_credentials') return undefined;
    const creds = secretCredentials(params, req.headers);
    if (!creds) return undefined;
    const e = await registry.entry(poolId);
    const client = await secretAuthenticatedClient((await registry.client(poolId, creds.clientId)) as FastClient | undefined, creds.secret);
    if (!client || !client.grantTypeAllowed('client_credentials')) return undefined;

    // validateScope, then validateClientScope: a static (OIDC) scope outside the client's own
    // `scope` is refused by oidc-provider (invalid_scope) — its answer.
    const scopeParam = params.get('scope');
    if (scopeParam !== undefined && !SCOPE_SYNTAX.test(scopeParam)) return undefined;
    const requested = scopeParam === undefined ? [] : [...new Set(scopeParam.split(' '))];
    if (client.scope) {
      const allow = new Set(client.scope.split(' '));
      const statics = (instance(e.provider) as { configuration: { scopes: Set<string> } }).configuration.scopes;
      if (requested.some((s) => statics.has(s) && !allow.has(s))) return undefined;
    }

    // resolveRequestedResources: no `resource` parameter, so the pool's default resource.
    const p = e.provider as unknown as Models;
    const resourceServer = new p.ResourceServer(e.resource, e.resourceServerInfo(client));
    const token = new p.ClientCredentials({ client, scope: requested.join(' ') || undefined });
    token.resourceServer = resourceServer;
    token.scope = requested.filter((s) => resourceServer.scopes.has(s)).join(' ') || undefined;
    // A requested scope the resource server does not grant is refused (provider.ts,
    // refuseUngrantedClientCredentialsScopes): oidc-provider answers invalid_scope.
    const granted = new Set((token.scope ?? '').split(' '));
    if (requested.some((s) => !granted.has(s))) return undefined;

    let value: string;
    try {
      value = await token.save();
    } catch {
      return undefined; // whatever failed, oidc-provider's own path answers it
    }
    registry.recordTokenIssued(poolId, 'client_credentials', client.clientId, { ip: req.ip, userAgent: req.headers['user-agent'] || null, requestId: req.requestId });
    // buildTokenResponse's members and order (helpers/grant_response.js); undefined ones are left out.
    return json({ access_token: value, expires_in: token.expiration, scope: token.scope || undefined, token_type: token.tokenType });
  };
}
