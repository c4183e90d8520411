/**
 * Google — OpenID Connect (https://developers.google.com/identity/openid-connect/openid-connect).
 * The profile is the validated ID token from the token endpoint: signature against Google's
 * JWKS, `iss` in either documented form, `aud` = our client id, `exp`, `nonce`. With `hd`
 * configured the token's `hd` claim must match (the request parameter is only a UI hint).
 *
 * Email: Google is authoritative for an address only when it is a Gmail address or the account
 * belongs to a Workspace domain (`hd`); other addresses were verified once but can be changed by
 * the user without Google re-verifying ownership of the new mailbox's domain. Only authoritative,
 * verified addresses come out with `emailVerified: true` (Google's guidance in the page above,
 * "An ID token's email, email_verified and hd fields").
 */
import {
  ConnectorError,
  createJwksSource,
  exchangeCode,
  matches,
  buildUrl,
  pickHints,
  profileFromClaims,
  readAuthorizationCode,
  scopeList,
  validateConfig,
  verifyIdToken,
  type IdTokenClaims,
  type IdentityProfile,
  type SocialConnectorFactory,
} from '@gatehouse/connector-kit';
import { GoogleConfigSchema, GoogleMobilePayloadSchema, type GoogleConfig, type GoogleConfigInput } from './schema.js';

const VENDOR = 'google';
export const GOOGLE_AUTHORIZE_URL = 'https://accounts.google.com/o/oauth2/v2/auth';
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';
export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

export const google: SocialConnectorFactory<GoogleConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'Google',
    types: ['google', 'google:mobile'],
    docs: [
      'https://developers.google.com/identity/openid-connect/openid-connect',
      'https://developers.google.com/identity/protocols/oauth2/web-server',
      'https://developers.google.com/identity/sign-in/android/backend-auth',
    ],
    trustsVerifiedEmail: true,
    configSchema: GoogleConfigSchema,
    secretFields: ['clientSecret'],
  },
  create(raw, deps) {
    const config = validateConfig<GoogleConfig>(google.manifest, raw);
    const jwks = createJwksSource({ vendor: VENDOR, jwksUri: GOOGLE_JWKS_URL, http: deps.http, cache: deps.cache, timeoutMs: config.timeoutMs });
    const scope = scopeList(config.scopes, ['openid']).join(' ');

    async function profileFromIdToken(idToken: string, audience: string[], nonce: string | undefined): Promise<IdentityProfile> {
      const claims = await verifyIdToken(idToken, { vendor: VENDOR, jwks, issuer: GOOGLE_ISSUERS, audience, ...(nonce !== undefined ? { nonce } : {}), ...(deps.now ? { now: deps.now } : {}) });
      return toProfile(claims, config);
    }

    async function redeem(code: string, redirectUri: string | undefined, codeVerifier: string | undefined, nonce: string | undefined, audience: string[]) {
      const token = await exchangeCode(deps.http, {
        vendor: VENDOR,
        tokenEndpoint: GOOGLE_TOKEN_URL,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        clientAuth: 'client_secret_post',
        code,
        ...(redirectUri !== undefined ? { redirectUri } : {}),
        ...(codeVerifier ? { codeVerifier } : {}),
        timeoutMs: config.timeoutMs,
      });
      if (!token.id_token) throw new ConnectorError('connector.invalid_response', `${VENDOR}: token response without id_token (is the openid scope allowed?)`);
      return profileFromIdToken(token.id_token, audience, nonce);
    }

    return {
      manifest: google.manifest,
      async authorizationUrl(req) {
        return buildUrl(GOOGLE_AUTHORIZE_URL, {
          client_id: config.clientId,
          redirect_uri: req.redirectUri,
          response_type: 'code',
          scope,
          state: req.state,
          nonce: req.nonce,
          code_challenge: req.codeChallenge,
          code_challenge_method: 'S256',
          hd: config.hd,
          prompt: config.prompt,
          ...pickHints(req.hints, ['login_hint', 'prompt']),
        });
      },
      async handleCallback(input) {
        const code = readAuthorizationCode(VENDOR, input.params);
        return redeem(code, input.redirectUri, input.codeVerifier, input.nonce, [config.clientId]);
      },
      /**
       * `google:mobile`: `{idToken, nonce?}` from Google Sign-In on Android/iOS (audience: clientId or
       * one of mobileClientIds), or `{code, redirectUri?, codeVerifier?}` (a server auth code).
       */
      async handleMobile(payload) {
        if (!matches(GoogleMobilePayloadSchema, payload)) throw new ConnectorError('connector.invalid_grant', `${VENDOR}: mobile payload needs idToken or code`);
        const audience = [config.clientId, ...config.mobileClientIds];
        if ('idToken' in payload) return profileFromIdToken(payload.idToken, audience, payload.nonce);
        // Android server auth codes are redeemed with an empty redirect_uri (Google's backend-auth guide).
        return redeem(payload.code, payload.redirectUri ?? '', payload.codeVerifier, undefined, [config.clientId]);
      },
    };
  },
};

function toProfile(claims: IdTokenClaims, config: GoogleConfig): IdentityProfile {
  const hd = typeof claims['hd'] === 'string' ? claims['hd'] : undefined;
  if (config.hd && hd?.toLowerCase() !== config.hd.toLowerCase()) {
    throw new ConnectorError('connector.not_allowed', `${VENDOR}: account is not in the Workspace domain ${config.hd}`);
  }
  const email = typeof claims['email'] === 'string' ? claims['email'] : undefined;
  const authoritative = !!email && (hd !== undefined || /@gmail\.com$/i.test(email));
  return profileFromClaims(claims, { id: claims.sub, trustEmailVerified: authoritative });
}
