/** Every `appType` the vendor defines (CreateApplicationDto.appType). */
export const APP_TYPES = ['web', 'spa', 'native', 'api', 'mfa', 'mini-program', 'gateway-app', 'gateway-agent'] as const;
export type AppType = (typeof APP_TYPES)[number];
export const DEFAULT_PROTOCOLS = ['oidc', 'oauth', 'saml', 'cas', 'asa'] as const;
export const AUTH_METHODS = ['none', 'client_secret_post', 'client_secret_basic'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];
export const ID_TOKEN_ALGS = ['RS256', 'ES256', 'HS256'] as const;
/** RFC 8628 §3.4: the device authorization grant's registered grant type URN. */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_CODE_GRANT] as const;
/** `PASSKEY` is Gatehouse's: passwordless passkeys on the hosted login (docs/mfa.md). */
export const LOGIN_METHODS = ['PHONE_CODE', 'EMAIL_CODE', 'PHONE_PASSWORD', 'EMAIL_PASSWORD', 'USERNAME_PASSWORD', 'SELF_BUILT_APP_QRCODE', 'PASSKEY'] as const;
export const REGISTER_METHODS = ['PHONE_CODE', 'EMAIL_CODE', 'EMAIL_PASSWORD'] as const;
export const APP_IDENTIFIER_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$';

/**
 * How a type behaves as an OAuth client. Public clients cannot keep a secret (RFC 6749 §2.1,
 * RFC 8252 §8.5): they authenticate with `none` and must use PKCE. A WeChat-style mini program
 * ships its code to the device, so it is a native client.
 */
export type Profile = 'web' | 'browser' | 'native' | 'machine';
export const PROFILES: Partial<Record<AppType, Profile>> = { web: 'web', spa: 'browser', native: 'native', 'mini-program': 'native', api: 'machine' };
export const isPublicProfile = (p: Profile) => p === 'browser' || p === 'native';

/** Lifetimes in seconds: defaults and accepted ranges. */
export const LIFETIMES = {
  // RFC 6749 §4.1.2: an authorization code should live at most 10 minutes.
  authorization_code_expire: { alias: 'authorization_code_lifetime', def: 600, min: 10, max: 600 },
  access_token_expire: { alias: 'access_token_lifetime', def: 7200, min: 60, max: 30 * 86400 },
  id_token_expire: { alias: 'id_token_lifetime', def: 3600, min: 60, max: 30 * 86400 },
  refresh_token_expire: { alias: 'refresh_token_lifetime', def: 30 * 86400, min: 60, max: 365 * 86400 },
} as const;
export type LifetimeKey = keyof typeof LIFETIMES;

/** Vendor client metadata that would change token or request handling and that Gatehouse does not implement yet. */
export const UNSUPPORTED_OIDC_FIELDS = [
  'jwks',
  'jwks_uri',
  'request_object_signing_alg',
  'request_object_encryption_alg',
  'request_object_encryption_enc',
  'userinfo_signed_response_alg',
  'userinfo_encrypted_response_alg',
  'userinfo_encrypted_response_enc',
  'id_token_encrypted_response_alg',
  'id_token_encrypted_response_enc',
  'cas_expire',
] as const;

export const OIDC_FIELDS = [
  'client_id',
  'grant_types',
  'response_types',
  'token_endpoint_auth_method',
  'introspection_endpoint_auth_method',
  'revocation_endpoint_auth_method',
  'id_token_signed_response_alg',
  ...Object.keys(LIFETIMES),
  ...Object.values(LIFETIMES).map((l) => l.alias),
  'require_proof_key',
  'skip_consent',
  'scope',
  'redirect_uris',
  'post_logout_redirect_uris',
  'backchannel_logout_uri',
  'backchannel_logout_session_required',
  ...UNSUPPORTED_OIDC_FIELDS,
];
