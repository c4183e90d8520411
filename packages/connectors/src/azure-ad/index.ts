/**
 * Microsoft Entra ID (Azure AD) — OpenID Connect on the v2.0 endpoints
 * (https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc). Also what the
 * seeds call "Microsoft Teams" sign-in.
 *
 * Multi-tenant: with the `common`/`organizations` authorities the discovery issuer is the
 * template `https://login.microsoftonline.com/{tenantid}/v2.0`; the token's own `tid` is put in,
 * the result must equal `iss` exactly, and then the tenant policy applies (the configured tenant,
 * `consumers`, or `allowedTenants`) — a token from a tenant outside it is `connector.not_allowed`
 * (https://learn.microsoft.com/en-us/entra/identity-platform/howto-convert-app-to-be-multi-tenant#update-your-code-to-handle-multiple-issuer-values).
 *
 * Subject: `tid:oid` — the object id is immutable and unique within its tenant. Never the
 * `email` or `preferred_username` claims: users and tenant admins can set them to any address,
 * unverified (the "nOAuth" account-takeover), so this connector marks every email unverified and
 * its manifest does not trust them for linking.
 */
import {
  ConnectorError,
  buildUrl,
  createJwksSource,
  exchangeCode,
  pickHints,
  profileFromClaims,
  rawProfile,
  readAuthorizationCode,
  scopeList,
  validateConfig,
  verifyIdToken,
  type SocialConnectorFactory,
} from '@gatehouse/connector-kit';
import { AzureAdConfigSchema, type AzureAdConfig, type AzureAdConfigInput } from './schema.js';
import { entraAuthorizeErrors } from './errors.js';

const VENDOR = 'azure-ad';
export const ENTRA_AUTHORITY = 'https://login.microsoftonline.com';
/** The tenant of personal Microsoft accounts (https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference). */
export const MSA_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const azureAd: SocialConnectorFactory<AzureAdConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'Microsoft Entra ID',
    types: ['azure-ad'],
    docs: [
      'https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc',
      'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow',
      'https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference',
      'https://learn.microsoft.com/en-us/entra/identity-platform/howto-convert-app-to-be-multi-tenant',
    ],
    trustsVerifiedEmail: false,
    configSchema: AzureAdConfigSchema,
    secretFields: ['clientSecret'],
  },
  create(raw, deps) {
    const config = validateConfig<AzureAdConfig>(azureAd.manifest, raw);
    const tenant = config.tenant.toLowerCase();
    const allowed = new Set(config.allowedTenants.map((t) => t.toLowerCase()));
    const base = `${ENTRA_AUTHORITY}/${encodeURIComponent(tenant)}`;
    const jwks = createJwksSource({ vendor: VENDOR, jwksUri: `${base}/discovery/v2.0/keys`, http: deps.http, cache: deps.cache, timeoutMs: config.timeoutMs });
    const scope = scopeList(config.scopes, ['openid', 'profile']).join(' ');

    function tenantAdmitted(tid: string): boolean {
      if (GUID.test(tenant) && tid !== tenant) return false;
      if (tenant === 'consumers' && tid !== MSA_TENANT_ID) return false;
      if (tenant === 'organizations' && tid === MSA_TENANT_ID) return false;
      return allowed.size === 0 || allowed.has(tid);
    }

    return {
      manifest: azureAd.manifest,
      async authorizationUrl(req) {
        return buildUrl(`${base}/oauth2/v2.0/authorize`, {
          client_id: config.clientId,
          response_type: 'code',
          redirect_uri: req.redirectUri,
          response_mode: 'query',
          scope,
          state: req.state,
          nonce: req.nonce,
          code_challenge: req.codeChallenge,
          code_challenge_method: 'S256',
          prompt: config.prompt,
          ...pickHints(req.hints, ['login_hint', 'domain_hint', 'prompt']),
        });
      },
      async handleCallback(input) {
        const code = readAuthorizationCode(VENDOR, input.params, { errors: entraAuthorizeErrors });
        const token = await exchangeCode(deps.http, {
          vendor: VENDOR,
          tokenEndpoint: `${base}/oauth2/v2.0/token`,
          clientId: config.clientId,
          clientSecret: config.clientSecret,
          clientAuth: 'client_secret_post',
          code,
          redirectUri: input.redirectUri,
          codeVerifier: input.codeVerifier,
          extra: { scope },
          timeoutMs: config.timeoutMs,
        });
        if (!token.id_token) throw new ConnectorError('connector.invalid_response', `${VENDOR}: token response without id_token`);
        const claims = await verifyIdToken(token.id_token, {
          vendor: VENDOR,
          jwks,
          // The issuer is the tenant-specific one for the token's own tid; a tid that is not a GUID
          // yields an impossible issuer and fails the check.
          issuer: (c) => `${ENTRA_AUTHORITY}/${typeof c['tid'] === 'string' && GUID.test(c['tid']) ? c['tid'] : 'invalid-tid'}/v2.0`,
          audience: config.clientId,
          nonce: input.nonce,
          ...(deps.now ? { now: deps.now } : {}),
        });
        const tid = String(claims['tid']);
        const oid = claims['oid'];
        if (typeof oid !== 'string' || !GUID.test(oid.toLowerCase())) throw new ConnectorError('connector.invalid_token', `${VENDOR}: ID token without oid (the profile scope is required)`);
        if (!tenantAdmitted(tid)) throw new ConnectorError('connector.not_allowed', `${VENDOR}: tenant ${tid} is not allowed for this connection`);
        const email = typeof claims['email'] === 'string' ? claims['email'] : undefined;
        // email_verified is forced off: Entra does not verify the email claim.
        return profileFromClaims({ ...claims, email, email_verified: false }, { id: `${tid}:${oid.toLowerCase()}`, trustEmailVerified: false, raw: rawProfile(claims) });
      },
    };
  },
};
