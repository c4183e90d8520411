import type { ApplicationRow } from '../../storage/repositories/applications.js';
import { defaultOidc } from './oidc-config.js';
import type { ApplicationDto, Json, StoredOidcConfig, StoredSettings } from './types.js';
import { PROFILES, type AppType, type AuthMethod } from './vocabulary.js';

const parse = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

const DEFAULT_LOGIN_CONFIG: Json = {
  mergeLoginAndRegisterPage: false,
  defaultLoginMethod: { connectionType: 'PASSWORD' },
  enabledExtIdpConns: [],
  enabledAllExtIdpConns: false,
  showAuthorizationPage: false,
};
export const DEFAULT_LOGIN_METHODS = ['PHONE_PASSWORD', 'EMAIL_PASSWORD', 'USERNAME_PASSWORD'];
/** A new application allows every basic registration method (JitAi: "Support new user registration" is on by default). */
const DEFAULT_REGISTER_CONFIG: Json = { enabledBasicRegisterMethods: ['EMAIL_PASSWORD', 'PHONE_CODE', 'EMAIL_CODE'], defaultRegisterMethod: 'PASSWORD' };
const DEFAULT_BRANDING_CONFIG: Json = {
  customCSSEnabled: false,
  guardVersion: 'Advanced',
  showChangeLanguageButton: true,
  defaultLanguage: 'zh-CN',
  showForgetPasswordButton: true,
  showEnterpriseConnections: true,
  showSocialConnections: true,
  showAgreement: false,
  agreements: [],
};

export const settingsOf = (row: ApplicationRow): StoredSettings => {
  const s = parse<Partial<StoredSettings>>(row.settings, {});
  return {
    defaultProtocol: s.defaultProtocol ?? 'oidc',
    initLoginUri: s.initLoginUri ?? '',
    ssoEnabled: s.ssoEnabled ?? false,
    ...(s.ssoEnabledAt ? { ssoEnabledAt: s.ssoEnabledAt } : {}),
    oauthProviderEnabled: s.oauthProviderEnabled ?? false,
    customBrandingEnabled: s.customBrandingEnabled ?? false,
    ...(s.ssoShowLaunchpad !== undefined ? { ssoShowLaunchpad: s.ssoShowLaunchpad } : {}),
    ...(s.enablePermissionApply !== undefined ? { enablePermissionApply: s.enablePermissionApply } : {}),
    loginConfig: s.loginConfig ?? {},
    registerConfig: s.registerConfig ?? {},
    brandingConfig: s.brandingConfig ?? {},
    ...(s.samlProviderEnabled !== undefined ? { samlProviderEnabled: s.samlProviderEnabled } : {}),
    ...(s.samlConfig ? { samlConfig: s.samlConfig } : {}),
    ...(s.casProviderEnabled !== undefined ? { casProviderEnabled: s.casProviderEnabled } : {}),
    ...(s.casConfig ? { casConfig: s.casConfig } : {}),
  };
};

export const oidcOf = (row: ApplicationRow): StoredOidcConfig => {
  const profile = PROFILES[row.type as AppType] ?? 'web';
  return { ...defaultOidc(profile), ...parse<Partial<StoredOidcConfig>>(row.oidc_config, {}) };
};

/** The vendor `ApplicationDto`. Never contains the secret. */
export function toApplicationDto(row: ApplicationRow): ApplicationDto {
  const s = settingsOf(row);
  const oidc = oidcOf(row);
  const method = row.token_endpoint_auth_method as AuthMethod;
  const redirectUris = parse<string[]>(row.redirect_uris, []);
  const logoutRedirectUris = parse<string[]>(row.logout_redirect_uris, []);
  return {
    appId: row.id,
    appIdentifier: row.identifier,
    appName: row.name,
    appLogo: row.logo ?? '',
    ...(row.description ? { appDescription: row.description } : {}),
    appType: row.type,
    userPoolId: row.pool_id,
    isIntegrateApp: false,
    defaultProtocol: s.defaultProtocol,
    redirectUris,
    logoutRedirectUris,
    initLoginUri: s.initLoginUri,
    ssoEnabled: s.ssoEnabled,
    ...(s.ssoEnabledAt ? { ssoEnabledAt: s.ssoEnabledAt } : {}),
    loginConfig: { ...DEFAULT_LOGIN_CONFIG, ...s.loginConfig, enabledBasicLoginMethods: parse<string[]>(row.login_methods, DEFAULT_LOGIN_METHODS) },
    registerConfig: { ...DEFAULT_REGISTER_CONFIG, ...s.registerConfig },
    brandingConfig: { ...DEFAULT_BRANDING_CONFIG, ...s.brandingConfig },
    oidcConfig: {
      client_id: row.id,
      ...oidc,
      token_endpoint_auth_method: method,
      introspection_endpoint_auth_method: oidc.introspection_endpoint_auth_method ?? method,
      revocation_endpoint_auth_method: oidc.revocation_endpoint_auth_method ?? method,
      redirect_uris: redirectUris,
      post_logout_redirect_uris: logoutRedirectUris,
    },
    samlProviderEnabled: s.samlProviderEnabled === true,
    ...(s.samlConfig ? { samlConfig: s.samlConfig } : {}),
    oauthProviderEnabled: s.oauthProviderEnabled,
    casProviderEnabled: s.casProviderEnabled === true,
    ...(s.casConfig ? { casConfig: s.casConfig } : {}),
    customBrandingEnabled: s.customBrandingEnabled,
    customSecurityEnabled: false,
    isDefault: row.is_default === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
