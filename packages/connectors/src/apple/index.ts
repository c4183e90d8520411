/**
 * Sign in with Apple, web (`apple:web`) and native apps (`apple`)
 * (https://developer.apple.com/documentation/sign_in_with_apple/sign_in_with_apple_rest_api).
 *
 * - The client secret is a JWT we sign for every token request: ES256 with the team's "Sign in
 *   with Apple" key (`kid` = keyId, `iss` = teamId, `sub` = client id, `aud` =
 *   https://appleid.apple.com), valid five minutes
 *   (https://developer.apple.com/documentation/accountorganizationaldatasharing/creating-a-client-secret).
 * - Requesting `name`/`email` requires `response_mode=form_post`: Apple POSTs `code`, `state`
 *   and, only on the user's first authorization, a `user` JSON with the name. That JSON is not
 *   signed, so only the name is taken from it; the email comes from the ID token.
 * - The ID token comes from the token endpoint and is validated against Apple's JWKS
 *   (iss https://appleid.apple.com, aud, exp, nonce). Apple sends `email_verified` as the string
 *   "true"; relay addresses (`is_private_email`) are verified too and unique per app.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import {
  ConnectorError,
  buildUrl,
  compactProfile,
  createJwksSource,
  exchangeCode,
  matches,
  profileFromClaims,
  readAuthorizationCode,
  scopeList,
  validateConfig,
  verifyIdToken,
  type IdentityProfile,
  type SocialConnectorFactory,
} from '@gatehouse/connector-kit';
import { SignJWT } from 'jose';
import { AppleConfigSchema, AppleMobilePayloadSchema, AppleUserFieldSchema, type AppleConfig, type AppleConfigInput } from './schema.js';
import { appleAuthorizeErrors, appleTokenErrors } from './errors.js';

const VENDOR = 'apple';
export const APPLE_ISSUER = 'https://appleid.apple.com';
export const APPLE_AUTHORIZE_URL = 'https://appleid.apple.com/auth/authorize';
export const APPLE_TOKEN_URL = 'https://appleid.apple.com/auth/token';
export const APPLE_JWKS_URL = 'https://appleid.apple.com/auth/keys';
const CLIENT_SECRET_TTL_S = 300;

export const apple: SocialConnectorFactory<AppleConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'Sign in with Apple',
    types: ['apple:web', 'apple'],
    docs: [
      'https://developer.apple.com/documentation/sign_in_with_apple/sign_in_with_apple_rest_api',
      'https://developer.apple.com/documentation/sign_in_with_apple/request_an_authorization_to_the_sign_in_with_apple_server',
      'https://developer.apple.com/documentation/sign_in_with_apple/generate_and_validate_tokens',
      'https://developer.apple.com/documentation/sign_in_with_apple/authenticating-users-with-sign-in-with-apple',
    ],
    trustsVerifiedEmail: true,
    responseMode: 'form_post',
    configSchema: AppleConfigSchema,
    secretFields: ['privateKey'],
  },
  create(raw, deps) {
    const config = validateConfig<AppleConfig>(apple.manifest, raw);
    const key = loadKey(config.privateKey);
    const jwks = createJwksSource({ vendor: VENDOR, jwksUri: APPLE_JWKS_URL, http: deps.http, cache: deps.cache, timeoutMs: config.timeoutMs });
    const scope = scopeList(config.scopes).join(' ');
    const now = () => deps.now?.() ?? new Date();

    function clientSecret(sub: string): Promise<string> {
      const iat = Math.floor(now().getTime() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: config.keyId })
        .setIssuer(config.teamId)
        .setSubject(sub)
        .setAudience(APPLE_ISSUER)
        .setIssuedAt(iat)
        .setExpirationTime(iat + CLIENT_SECRET_TTL_S)
        .sign(key);
    }

    async function redeem(clientId: string, code: string, redirectUri: string | undefined, nonce: string | undefined, userField: unknown): Promise<IdentityProfile> {
      const token = await exchangeCode(deps.http, {
        vendor: VENDOR,
        tokenEndpoint: APPLE_TOKEN_URL,
        clientId,
        clientSecret: await clientSecret(clientId),
        clientAuth: 'client_secret_post',
        code,
        ...(redirectUri ? { redirectUri } : {}),
        errors: appleTokenErrors,
        timeoutMs: config.timeoutMs,
      });
      if (!token.id_token) throw new ConnectorError('connector.invalid_response', `${VENDOR}: token response without id_token`);
      const claims = await verifyIdToken(token.id_token, { vendor: VENDOR, jwks, issuer: APPLE_ISSUER, audience: clientId, ...(nonce !== undefined ? { nonce } : {}), ...(deps.now ? { now: deps.now } : {}) });
      const profile = profileFromClaims(claims, { id: claims.sub, trustEmailVerified: true, acceptStringBooleans: true });
      const name = readName(userField);
      return compactProfile({ ...profile, ...name, raw: { ...profile.raw, ...(name.name ? { user: { name: { firstName: name.givenName, lastName: name.familyName } } } : {}) } });
    }

    return {
      manifest: apple.manifest,
      async authorizationUrl(req) {
        // PKCE is not part of Apple's documented web flow; the code is bound to the client secret JWT instead.
        return buildUrl(APPLE_AUTHORIZE_URL, {
          client_id: config.clientId,
          redirect_uri: req.redirectUri,
          response_type: 'code',
          response_mode: 'form_post',
          scope,
          state: req.state,
          nonce: req.nonce,
        });
      },
      async handleCallback(input) {
        const code = readAuthorizationCode(VENDOR, input.params, { errors: appleAuthorizeErrors });
        return redeem(config.clientId, code, input.redirectUri, input.nonce, input.params['user']);
      },
      /** `apple` (native): `{code, bundleId?, nonce?, user?}` from ASAuthorizationAppleIDCredential. */
      async handleMobile(payload) {
        if (!matches(AppleMobilePayloadSchema, payload)) throw new ConnectorError('connector.invalid_grant', `${VENDOR}: mobile payload needs a code`);
        const bundleId = payload.bundleId ?? config.bundleIds[0];
        if (!bundleId || !config.bundleIds.includes(bundleId)) throw new ConnectorError('connector.invalid_config', `${VENDOR}: no matching bundleIds entry for native sign-in`);
        return redeem(bundleId, payload.code, undefined, payload.nonce, payload.user);
      },
    };
  },
};

function loadKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new ConnectorError('connector.invalid_config', `${VENDOR}: privateKey is not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ConnectorError('connector.invalid_config', `${VENDOR}: privateKey must be the P-256 key Apple issued (.p8)`);
  }
  return key;
}

/** Name from the first-login `user` field (JSON string or object); anything unreadable is ignored. */
function readName(field: unknown): { name?: string; givenName?: string; familyName?: string } {
  let value = field;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return {};
    }
  }
  if (!matches(AppleUserFieldSchema, value) || !value.name) return {};
  const givenName = value.name.firstName?.trim() || undefined;
  const familyName = value.name.lastName?.trim() || undefined;
  const name = [givenName, familyName].filter(Boolean).join(' ') || undefined;
  return { ...(name ? { name } : {}), ...(givenName ? { givenName } : {}), ...(familyName ? { familyName } : {}) };
}
