/**
 * Generic OpenID Connect provider (OpenID Connect Core 1.0, Discovery 1.0).
 *
 * - Discovery from `issuerUrl` (cached); the document's `issuer` must equal `issuerUrl`.
 * - Authorization code flow with PKCE S256 and `nonce`; RFC 9207 `iss` in the authorization
 *   response is checked (and required when the provider advertises it) against mix-up attacks.
 * - The ID token from the token endpoint is validated with the provider's JWKS (asymmetric
 *   algorithms only, intersected with the provider's advertised ones), `iss`, `aud`/`azp`, `exp`,
 *   `nonce`. UserInfo, when offered, adds claims; its `sub` must be the ID token's.
 * - `email_verified: true` (a JSON boolean) is trusted: this is the type administrators use to
 *   federate their own, trusted providers. A provider that does not verify emails must not be
 *   connected with automatic linking on (autoLinkByVerifiedEmail: false).
 *
 * Not supported: signed or encrypted UserInfo responses (application/jwt), encrypted ID tokens,
 * `private_key_jwt` client authentication.
 */
import {
  ASYMMETRIC_ALGS,
  ConnectorError,
  bearer,
  buildUrl,
  createJwksSource,
  discover,
  exchangeCode,
  getJson,
  pickHints,
  profileFromClaims,
  rawProfile,
  readAuthorizationCode,
  scopeList,
  validateConfig,
  verifyIdToken,
  type ClientAuthMethod,
  type DiscoveryDocument,
  type JwksSource,
  type SocialConnectorFactory,
} from '@gatehouse/connector-kit';
import { OidcConfigSchema, UserinfoSchema, type OidcConfig, type OidcConfigInput } from './schema.js';

const VENDOR = 'oidc';

export const oidc: SocialConnectorFactory<OidcConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'OpenID Connect',
    types: ['oidc'],
    docs: ['https://openid.net/specs/openid-connect-core-1_0.html', 'https://openid.net/specs/openid-connect-discovery-1_0.html', 'https://www.rfc-editor.org/rfc/rfc9207', 'https://www.rfc-editor.org/rfc/rfc7636'],
    trustsVerifiedEmail: true,
    configSchema: OidcConfigSchema,
    secretFields: ['clientSecret'],
  },
  create(raw, deps) {
    const config = validateConfig<OidcConfig>(oidc.manifest, raw);
    const scope = scopeList(config.scopes, ['openid']).join(' ');
    let jwks: JwksSource | undefined;
    const discovery = () => discover({ vendor: VENDOR, issuer: config.issuerUrl, http: deps.http, cache: deps.cache, timeoutMs: config.timeoutMs });

    function authMethod(doc: DiscoveryDocument): ClientAuthMethod {
      if (!config.clientSecret) return 'none';
      if (config.tokenEndpointAuthMethod) return config.tokenEndpointAuthMethod;
      // Discovery §3: the default when the list is absent is client_secret_basic.
      const supported = doc.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
      return supported.includes('client_secret_basic') ? 'client_secret_basic' : 'client_secret_post';
    }

    function algorithms(doc: DiscoveryDocument): string[] {
      const advertised = doc.id_token_signing_alg_values_supported;
      const algs = advertised ? ASYMMETRIC_ALGS.filter((a) => advertised.includes(a)) : ASYMMETRIC_ALGS;
      if (!algs.length) throw new ConnectorError('connector.invalid_config', `${VENDOR}: the provider signs ID tokens only with algorithms we do not accept (${advertised?.join(', ')})`);
      return algs;
    }

    return {
      manifest: oidc.manifest,
      async authorizationUrl(req) {
        const doc = await discovery();
        return buildUrl(doc.authorization_endpoint, {
          client_id: config.clientId,
          response_type: 'code',
          redirect_uri: req.redirectUri,
          scope,
          state: req.state,
          nonce: req.nonce,
          code_challenge: req.codeChallenge,
          code_challenge_method: 'S256',
          prompt: config.prompt,
          ...pickHints(req.hints, ['login_hint', 'prompt', 'ui_locales', 'acr_values']),
        });
      },
      async handleCallback(input) {
        const doc = await discovery();
        const code = readAuthorizationCode(VENDOR, input.params, { expectedIssuer: doc.issuer, requireIss: doc.authorization_response_iss_parameter_supported === true });
        const token = await exchangeCode(deps.http, {
          vendor: VENDOR,
          tokenEndpoint: doc.token_endpoint,
          clientId: config.clientId,
          ...(config.clientSecret ? { clientSecret: config.clientSecret } : {}),
          clientAuth: authMethod(doc),
          code,
          redirectUri: input.redirectUri,
          codeVerifier: input.codeVerifier,
          timeoutMs: config.timeoutMs,
        });
        if (!token.id_token) throw new ConnectorError('connector.invalid_response', `${VENDOR}: token response without id_token`);
        jwks ??= createJwksSource({ vendor: VENDOR, jwksUri: doc.jwks_uri, http: deps.http, cache: deps.cache, timeoutMs: config.timeoutMs });
        const claims = await verifyIdToken(token.id_token, {
          vendor: VENDOR,
          jwks,
          issuer: doc.issuer,
          audience: config.clientId,
          nonce: input.nonce,
          algorithms: algorithms(doc),
          ...(deps.now ? { now: deps.now } : {}),
        });
        let merged: Record<string, unknown> = claims;
        if (doc.userinfo_endpoint) {
          const info = await getJson(deps.http, VENDOR, 'userinfo', doc.userinfo_endpoint, UserinfoSchema, { headers: bearer(token.access_token), timeoutMs: config.timeoutMs });
          // OIDC Core §5.3.2: the UserInfo sub must be the ID token's, or the response must not be used.
          if (info.sub !== claims.sub) throw new ConnectorError('connector.invalid_token', `${VENDOR}: userinfo sub differs from the ID token`);
          merged = { ...info, ...claims };
        }
        const idValue = merged[config.userIdClaim];
        if ((typeof idValue !== 'string' || !idValue) && typeof idValue !== 'number') {
          throw new ConnectorError('connector.invalid_token', `${VENDOR}: the ${config.userIdClaim} claim is missing`);
        }
        return profileFromClaims(merged, { id: String(idValue), trustEmailVerified: true, raw: rawProfile(merged) });
      },
    };
  },
};
