import { AppError, unsupportedField as unsupported } from '../../errors/app-error.js';
import type { ApplicationPatch, ApplicationRow } from '../../storage/repositories/applications.js';
import { nowIso } from '../../utils/time.js';
import { invalidConfig, present, unique } from './checks.js';
import { resolveOidcConfig } from './oidc-config.js';
import { checkRedirectUri, checkUriList, sameList } from './redirect-uris.js';
import type { ApplicationInput, StoredOidcConfig, StoredSettings } from './types.js';
import { refuseUnimplementedSettings } from './unimplemented.js';
import { checkBrandingFields } from '../branding/service.js';
import { checkImageUrl } from '../branding/values.js';
import { LOGIN_METHODS, REGISTER_METHODS, type AuthMethod } from './vocabulary.js';
import { resolveSamlConfig } from '../saml-idp/config.js';
import type { ImportedSpMetadata } from '../saml-idp/sp-metadata.js';
import { resolveCasConfig } from '../cas/config.js';

/** Rejects vendor fields this server does not implement, naming the field (never silently ignoring it). */
function refuseUnsupported(input: ApplicationInput & { template?: unknown }): void {
  for (const k of ['template', 'templateData', 'oauthConfig'] as const) if (present(input[k])) throw unsupported(k);
  if (present(input.defaultProtocol) && !['oidc', 'oauth', 'saml', 'cas'].includes(input.defaultProtocol!)) throw unsupported(`defaultProtocol=${input.defaultProtocol}`);
  const ext = input.loginConfig?.enabledExtIdpConnIds;
  if (Array.isArray(ext) && ext.length > 0) throw unsupported('loginConfig.enabledExtIdpConnIds');
  refuseUnimplementedSettings(input);
}

function checkMethods(list: unknown, allowed: readonly string[], path: string): void {
  if (list === undefined) return;
  if (!Array.isArray(list) || list.some((m) => !allowed.includes(m as string))) throw invalidConfig(`${path} may only contain ${allowed.join(', ')}`, path);
}

/** What create/update compute from the input, shared by both. */
export function buildColumns(
  appId: string,
  appType: string,
  input: ApplicationInput,
  prev: { row: ApplicationRow; settings: StoredSettings; oidc: StoredOidcConfig } | null,
  extra: { spMetadata?: ImportedSpMetadata } = {},
): ApplicationPatch {
  refuseUnsupported(input);
  const resolved = resolveOidcConfig(appId, appType, input.oidcConfig, prev ? { oidc: prev.oidc, method: prev.row.token_endpoint_auth_method as AuthMethod } : undefined);

  // Top-level lists and their oidcConfig twins must agree when both are given.
  const pickUris = (top: unknown, twin: string[] | undefined, path: string, twinPath: string): string[] | undefined => {
    const fromTop = present(top) ? checkUriList(top, appType, path) : undefined;
    if (fromTop && twin && !sameList(fromTop, twin)) throw invalidConfig(`${path} and ${twinPath} disagree`, twinPath);
    return fromTop ?? twin;
  };
  const redirectUris = pickUris(input.redirectUris, resolved.redirectUris, 'redirectUris', 'oidcConfig.redirect_uris');
  const logoutUris = pickUris(input.logoutRedirectUris, resolved.postLogoutRedirectUris, 'logoutRedirectUris', 'oidcConfig.post_logout_redirect_uris');

  const settings: StoredSettings = prev
    ? { ...prev.settings }
    : { defaultProtocol: 'oidc', initLoginUri: '', ssoEnabled: false, oauthProviderEnabled: false, customBrandingEnabled: false, loginConfig: {}, registerConfig: {}, brandingConfig: {} };
  if (present(input.defaultProtocol)) settings.defaultProtocol = input.defaultProtocol!;
  if (present(input.initLoginUri)) settings.initLoginUri = input.initLoginUri === '' ? '' : checkRedirectUri(input.initLoginUri, appType, 'initLoginUri');
  if (present(input.ssoEnabled)) {
    if (input.ssoEnabled && !settings.ssoEnabled) settings.ssoEnabledAt = nowIso();
    if (!input.ssoEnabled) delete settings.ssoEnabledAt;
    settings.ssoEnabled = input.ssoEnabled!;
  }
  if (present(input.oauthProviderEnabled)) settings.oauthProviderEnabled = input.oauthProviderEnabled!;
  if (present(input.ssoShowLaunchpad)) settings.ssoShowLaunchpad = input.ssoShowLaunchpad!;
  if (present(input.enablePermissionApply)) settings.enablePermissionApply = input.enablePermissionApply!;

  let loginMethods: string[] | undefined;
  if (present(input.loginConfig)) {
    const { enabledBasicLoginMethods, enabledExtIdpConnIds: _ignored, ...rest } = input.loginConfig!;
    checkMethods(enabledBasicLoginMethods, LOGIN_METHODS, 'loginConfig.enabledBasicLoginMethods');
    if (enabledBasicLoginMethods !== undefined) loginMethods = unique(enabledBasicLoginMethods as string[]);
    settings.loginConfig = { ...settings.loginConfig, ...rest };
  }
  if (present(input.registerConfig)) {
    checkMethods(input.registerConfig!.enabledBasicRegisterMethods, REGISTER_METHODS, 'registerConfig.enabledBasicRegisterMethods');
    settings.registerConfig = { ...settings.registerConfig, ...input.registerConfig };
  }
  // SAML and CAS identity provider switches and settings (docs/saml.md, docs/cas.md).
  if (present(input.samlConfig)) settings.samlConfig = resolveSamlConfig(input.samlConfig, settings.samlConfig, extra.spMetadata);
  if (present(input.samlProviderEnabled)) {
    if (typeof input.samlProviderEnabled !== 'boolean') throw invalidConfig('samlProviderEnabled must be true or false', 'samlProviderEnabled');
    if (input.samlProviderEnabled && !settings.samlConfig) throw new AppError('saml.invalid_config', { params: { field: 'samlConfig', reason: 'is required to enable the SAML identity provider' } });
    settings.samlProviderEnabled = input.samlProviderEnabled;
  }
  if (present(input.casConfig)) settings.casConfig = resolveCasConfig(input.casConfig, settings.casConfig);
  if (present(input.casProviderEnabled)) {
    if (typeof input.casProviderEnabled !== 'boolean') throw invalidConfig('casProviderEnabled must be true or false', 'casProviderEnabled');
    if (input.casProviderEnabled && !settings.casConfig) throw new AppError('cas.invalid_config', { params: { field: 'casConfig', reason: 'is required to enable the CAS server' } });
    settings.casProviderEnabled = input.casProviderEnabled;
  }
  if (present(input.brandingConfig)) {
    checkBrandingFields(input.brandingConfig as Parameters<typeof checkBrandingFields>[0]);
    settings.brandingConfig = { ...settings.brandingConfig, ...input.brandingConfig };
    settings.customBrandingEnabled = true;
  }

  const patch: ApplicationPatch = {
    token_endpoint_auth_method: resolved.method,
    oidc_config: JSON.stringify(resolved.oidc),
    settings: JSON.stringify(settings),
  };
  if (present(input.appName)) patch.name = input.appName!;
  if (input.appLogo !== undefined) patch.logo = input.appLogo ? checkImageUrl(input.appLogo, 'appLogo') : null;
  if (input.appDescription !== undefined) patch.description = input.appDescription || null;
  if (redirectUris) patch.redirect_uris = JSON.stringify(redirectUris);
  if (logoutUris) patch.logout_redirect_uris = JSON.stringify(logoutUris);
  if (loginMethods) patch.login_methods = JSON.stringify(loginMethods);
  return patch;
}
