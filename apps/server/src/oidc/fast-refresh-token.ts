import { ServerResponse, type IncomingMessage } from 'node:http';
// @ts-expect-error -- internal modules of oidc-provider (no types): its per-provider state, the
// AsyncLocalStorage its models read the request context from, its Params class, the token
// endpoint's error handler and the client-authentication parameter list.
import instance from 'oidc-provider/lib/helpers/weak_cache.js';
// @ts-expect-error -- see above
import als from 'oidc-provider/lib/helpers/als.js';
// @ts-expect-error -- see above
import Params from 'oidc-provider/lib/helpers/params.js';
// @ts-expect-error -- see above
import getErrorHandler from 'oidc-provider/lib/shared/error_handler.js';
// @ts-expect-error -- see above
import { getClientAuthParams } from 'oidc-provider/lib/shared/client_auth.js';
import { deferred, json, secretAuthenticatedClient, secretCredentials, strictForm, type FastClient, type FastResponse } from './fast-common.js';
import type { TokenRequest } from './fast-client-credentials.js';
import type { ProviderRegistry } from './provider.js';

/**
 * The token endpoint's `grant_type=refresh_token` (RFC 6749 §6) run through oidc-provider's own
 * refresh-token grant handler, without the request pipeline in front of it (issue #22: refresh
 * rotation was ~1.4 ms of the event loop, a third of it Koa, the router, the body parsed a second
 * time behind the Fastify bridge, a dozen middlewares and `Client.find`).
 *
 * Unlike the client-credentials path, nothing of the grant is re-implemented here: the handler
 * registered for `refresh_token` (lib/actions/grants/refresh_token.js) runs unchanged, inside the
 * token route's own error handler and under the AsyncLocalStorage its models read the request
 * from. So everything it decides stays exactly the library's — the refresh token's lookup,
 * client binding, expiry, session binding, the grant and account checks, **reuse detection (a
 * consumed refresh token presented again destroys it and revokes the whole grant)**, rotation
 * with the family's absolute lifetime (provider.ts ttl.RefreshToken), the access token's resource
 * and scope, the ID token, its events (`grant.success` / `grant.error`, so the same audit
 * events) and its error answers. What this file replaces is only what runs before the handler,
 * for the request it accepts:
 *  - the body: urlencoded, exactly `grant_type`, `refresh_token` and client_secret_basic or
 *    client_secret_post credentials, each once (strictForm). Anything else — `scope`, `resource`,
 *    unknown, empty or repeated parameters — goes to oidc-provider;
 *  - client authentication: the registered client_secret_basic / _post client and its secret,
 *    read as lib/shared/client_auth.js reads them (fast-common.ts); any failure goes to
 *    oidc-provider, which answers and audits invalid_client;
 *  - the checks of lib/actions/token.js that such a request passes: the grant type is enabled
 *    and allowed for the client, no duplicate, valid (absent) scope and authorization_details;
 *  - its parameters object (the library's Params, with the token route's allow-list after
 *    stripGrantIrrelevantParams) and the client entity, as clientAuth sets it.
 * Deferred to oidc-provider as a whole: CORS (Origin), DPoP, attestation, clients with
 * certificate- or DPoP-bound tokens, and requests that prefer an HTML answer (its error handler
 * renders those as a page).
 *
 * The answer's headers are those the token route sends for a JSON answer without Origin
 * (fast-common.ts `json`), for a success and for an error alike; test/oidc/fast-refresh-token.test.ts
 * compares both paths' answers, tokens, audit events and reuse detection.
 */
const PARAMS = new Set(['grant_type', 'refresh_token', 'client_id', 'client_secret']);
const GRANT = 'refresh_token';

type Handler = (ctx: unknown) => Promise<void>;
interface ProviderState {
  configuration: { grantTypes: Set<string> };
  grantTypeHandlers: Map<string, Handler>;
  grantTypeParams: Map<string | undefined, Set<string>>;
}
interface KoaContext {
  _matchedRouteName?: string;
  status: number;
  body: unknown;
  accepts(...types: string[]): string | false;
  oidc: { params: unknown; entity(name: string, value: unknown): void; provider: { emit(event: string, ...args: unknown[]): boolean } };
}
type ClientFeatures = FastClient & { tlsClientCertificateBoundAccessTokens?: boolean; dpopBoundAccessTokens?: boolean };

const errorHandler = getErrorHandler('grant.error') as (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

export function createFastRefreshToken(registry: ProviderRegistry) {
  return async function refreshToken(poolId: string, req: TokenRequest & { raw: IncomingMessage }): Promise<FastResponse | undefined> {
    if (deferred(req.headers)) return undefined;
    const form = strictForm(req.headers, req.body, PARAMS);
    if (!form || form.get('grant_type') !== GRANT || !form.has('refresh_token')) return undefined;
    const creds = secretCredentials(form, req.headers);
    if (!creds) return undefined;
    const e = await registry.entry(poolId);
    const client = (await secretAuthenticatedClient((await registry.client(poolId, creds.clientId)) as FastClient | undefined, creds.secret)) as ClientFeatures | undefined;
    if (!client || !client.grantTypeAllowed(GRANT) || client.tlsClientCertificateBoundAccessTokens || client.dpopBoundAccessTokens) return undefined;
    const state = instance(e.provider) as ProviderState;
    const handler = state.grantTypeHandlers.get(GRANT);
    if (!handler || !state.configuration.grantTypes.has(GRANT)) return undefined;

    // A Koa context on a detached response (nothing is written to the socket through it), with
    // `ctx.oidc` defined as lib/helpers/initialize_app.js ensureOIDC defines it.
    const provider = e.provider as unknown as { createContext(req: IncomingMessage, res: ServerResponse): KoaContext; OIDCContext: new (ctx: KoaContext) => KoaContext['oidc'] };
    const ctx = provider.createContext(req.raw, new ServerResponse(req.raw));
    ctx._matchedRouteName = 'token';
    let oidc: KoaContext['oidc'] | undefined;
    Object.defineProperty(ctx, 'oidc', { get: () => (oidc ??= new provider.OIDCContext(ctx)) });
    if (ctx.accepts('json', 'html') === 'html') return undefined;

    // The token route's parameters after assembleTokenParams and stripGrantIrrelevantParams:
    // its allow-list, in its order, keeping the client-authentication and refresh grant ones.
    const authParams = getClientAuthParams(ctx) as Set<string>;
    const keep = new Set([...authParams, ...state.grantTypeParams.get(GRANT)!]);
    const params = new Params(new Set([...state.grantTypeParams.get(undefined)!, ...authParams]), Object.fromEntries(form)) as Record<string, unknown>;
    for (const k of Object.keys(params)) if (!keep.has(k)) delete params[k];
    ctx.oidc.params = params;
    ctx.oidc.entity('Client', client);

    // lib/actions/token.js callTokenHandler, inside the route's error handler (lib/helpers/initialize_app.js).
    await als.run(ctx, () =>
      errorHandler(ctx, async () => {
        await handler(ctx);
        ctx.oidc.provider.emit('grant.success', ctx);
      }),
    );
    return json(ctx.body, ctx.status);
  };
}
