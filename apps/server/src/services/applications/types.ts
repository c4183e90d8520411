import type { AuthMethod, ID_TOKEN_ALGS } from './vocabulary.js';
import type { StoredSamlConfig } from '../saml-idp/config.js';
import type { StoredCasConfig } from '../cas/config.js';

/*
 * Applications are OAuth 2.0 / OIDC clients. The management API speaks the vendor's DTOs
 * (authing-node-sdk `CreateApplicationDto`, `UpdateApplicationDto`, `ApplicationDto`); the
 * client metadata inside `oidcConfig` uses the vendor's snake_case names, which are the
 * RFC 7591 §2 client metadata names where both exist.
 */

/** OIDC client settings as stored (the token endpoint method has its own column). */
export interface StoredOidcConfig {
  grant_types: string[];
  response_types: string[];
  id_token_signed_response_alg: (typeof ID_TOKEN_ALGS)[number];
  authorization_code_expire: number;
  access_token_expire: number;
  id_token_expire: number;
  refresh_token_expire: number;
  require_proof_key: boolean;
  skip_consent: boolean;
  /** RFC 7591 §2 `scope`: the scopes this client may ask for (space-separated); absent = any the server offers. */
  scope?: string;
  introspection_endpoint_auth_method?: AuthMethod;
  revocation_endpoint_auth_method?: AuthMethod;
  /** OpenID Connect Back-Channel Logout 1.0 §2.2: where logout tokens are POSTed when the user's session ends. */
  backchannel_logout_uri?: string;
  /** Back-Channel Logout §2.2: whether the logout token (and ID tokens) carry `sid`. */
  backchannel_logout_session_required?: boolean;
}

/** The vendor's `OIDCConfig` as this server returns it. */
export type OidcConfigDto = StoredOidcConfig & {
  client_id: string;
  token_endpoint_auth_method: AuthMethod;
  introspection_endpoint_auth_method: AuthMethod;
  revocation_endpoint_auth_method: AuthMethod;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
};

export type Json = Record<string, unknown>;

export interface StoredSettings {
  defaultProtocol: string;
  initLoginUri: string;
  ssoEnabled: boolean;
  ssoEnabledAt?: string;
  oauthProviderEnabled: boolean;
  customBrandingEnabled: boolean;
  ssoShowLaunchpad?: boolean;
  enablePermissionApply?: boolean;
  loginConfig: Json;
  registerConfig: Json;
  brandingConfig: Json;
  /** SAML identity provider for this app (docs/saml.md). */
  samlProviderEnabled?: boolean;
  samlConfig?: StoredSamlConfig;
  /** CAS server for this app (docs/cas.md). */
  casProviderEnabled?: boolean;
  casConfig?: StoredCasConfig;
}

/** Vendor `ApplicationDto`, plus `isDefault`, `createdAt` and `updatedAt`. */
export interface ApplicationDto {
  appId: string;
  appIdentifier: string;
  appName: string;
  appLogo: string;
  appDescription?: string;
  appType: string;
  userPoolId: string;
  isIntegrateApp: boolean;
  defaultProtocol: string;
  redirectUris: string[];
  logoutRedirectUris: string[];
  initLoginUri: string;
  ssoEnabled: boolean;
  ssoEnabledAt?: string;
  loginConfig: Json;
  registerConfig: Json;
  brandingConfig: Json;
  oidcConfig: OidcConfigDto;
  samlProviderEnabled: boolean;
  samlConfig?: StoredSamlConfig;
  oauthProviderEnabled: boolean;
  casProviderEnabled: boolean;
  casConfig?: StoredCasConfig;
  customBrandingEnabled: boolean;
  customSecurityEnabled: boolean;
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Vendor `UpdateApplicationDto` minus `appId`; create adds `appName`, `appType`, `template*`. */
export interface ApplicationInput {
  appName?: string;
  appIdentifier?: string;
  appLogo?: string;
  appDescription?: string;
  defaultProtocol?: string;
  redirectUris?: string[];
  logoutRedirectUris?: string[];
  initLoginUri?: string;
  ssoEnabled?: boolean;
  oidcConfig?: Json;
  oauthProviderEnabled?: boolean;
  loginConfig?: Json;
  registerConfig?: Json;
  brandingConfig?: Json;
  ssoShowLaunchpad?: boolean;
  enablePermissionApply?: boolean;
  samlProviderEnabled?: boolean;
  samlConfig?: unknown;
  casProviderEnabled?: boolean;
  casConfig?: unknown;
  // Vendor fields not implemented here: accepted by the schema, refused when set.
  templateData?: unknown;
  oauthConfig?: unknown;
}

export interface CreateApplicationInput extends ApplicationInput {
  appName: string;
  appType?: string;
  template?: unknown;
}

export interface ListApplicationsQuery {
  page: number;
  limit: number;
  keywords?: string;
  /** Vendor filters; `false` (what the vendor client always sends) means "no filter". */
  isIntegrateApp?: boolean;
  isSelfBuiltApp?: boolean;
  ssoEnabled?: boolean;
}
