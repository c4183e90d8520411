/**
 * Custom OAuth 2.0 provider (RFC 6749 authorization code, RFC 7636 PKCE): the administrator
 * gives the three endpoints and where the id, email, name and picture sit in the user-info JSON.
 * OAuth 2.0 alone authenticates nobody — the user-info endpoint is trusted because it is called
 * with our access token over TLS at the configured URL. The id path must point at an
 * immutable, unique value (never an email or a renameable login). Emails from a custom provider
 * are never trusted for automatic linking (manifest); `claims.emailVerified` only marks the
 * profile's email as verified.
 */
import {
  ConnectorError,
  bearer,
  buildUrl,
  compactProfile,
  exchangeCode,
  getJson,
  readAuthorizationCode,
  scopeList,
  validateConfig,
  type SocialConnectorFactory,
} from '@gatehouse/connector-kit';
import { Type } from '@sinclair/typebox';
import { OAuthConfigSchema, type OAuthConfig, type OAuthConfigInput } from './schema.js';

const VENDOR = 'oauth';
const AnyObject = Type.Object({}, { additionalProperties: true });

/** Reads `a.b.0.c` from parsed JSON; undefined when any step is missing. Own properties only. */
export function readPath(source: unknown, path: string): unknown {
  let cur: unknown = source;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : undefined);

export const oauth: SocialConnectorFactory<OAuthConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'OAuth 2.0',
    types: ['oauth'],
    docs: ['https://www.rfc-editor.org/rfc/rfc6749#section-4.1', 'https://www.rfc-editor.org/rfc/rfc7636', 'https://www.rfc-editor.org/rfc/rfc9700'],
    trustsVerifiedEmail: false,
    configSchema: OAuthConfigSchema,
    secretFields: ['clientSecret'],
  },
  create(raw, deps) {
    const config = validateConfig<OAuthConfig>(oauth.manifest, raw);
    const claims = config.claims; // nested defaults (id, email, name, picture) applied by validateConfig
    const scope = scopeList(config.scopes).join(' ');
    return {
      manifest: oauth.manifest,
      async authorizationUrl(req) {
        return buildUrl(config.authorizationEndpoint, {
          response_type: 'code',
          client_id: config.clientId,
          redirect_uri: req.redirectUri,
          scope: scope || undefined,
          state: req.state,
          ...(config.pkce ? { code_challenge: req.codeChallenge, code_challenge_method: 'S256' } : {}),
        });
      },
      async handleCallback(input) {
        const code = readAuthorizationCode(VENDOR, input.params);
        const token = await exchangeCode(deps.http, {
          vendor: VENDOR,
          tokenEndpoint: config.tokenEndpoint,
          clientId: config.clientId,
          ...(config.clientSecret ? { clientSecret: config.clientSecret } : {}),
          clientAuth: config.clientSecret ? config.tokenEndpointAuthMethod : 'none',
          code,
          redirectUri: input.redirectUri,
          ...(config.pkce ? { codeVerifier: input.codeVerifier } : {}),
          timeoutMs: config.timeoutMs,
        });
        const url = config.userInfoTokenIn === 'query' ? buildUrl(config.userInfoEndpoint, { access_token: token.access_token }) : config.userInfoEndpoint;
        const info = await getJson(deps.http, VENDOR, 'user info', url, AnyObject, { headers: config.userInfoTokenIn === 'header' ? bearer(token.access_token) : {}, timeoutMs: config.timeoutMs });
        const id = text(readPath(info, claims.id));
        if (!id) throw new ConnectorError('connector.invalid_response', `${VENDOR}: user info has no value at ${claims.id}`);
        const email = text(readPath(info, claims.email));
        const phone = claims.phone ? text(readPath(info, claims.phone)) : undefined;
        return compactProfile({
          id,
          email,
          emailVerified: email ? (claims.emailVerified ? readPath(info, claims.emailVerified) === true : false) : undefined,
          phone,
          name: text(readPath(info, claims.name)),
          picture: text(readPath(info, claims.picture)),
          username: claims.username ? text(readPath(info, claims.username)) : undefined,
          raw: info,
        });
      },
    };
  },
};
