import { unsupportedField as unsupported } from '../../errors/app-error.js';
import type { ApplicationPatch, ApplicationRow } from '../../storage/repositories/applications.js';
import { nowIso } from '../../utils/time.js';
import { invalidConfig, present, unique } from './checks.js';
import { resolveOidcConfig } from './oidc-config.js';
import { checkRedirectUri, checkUriList, sameList } from './redirect-uris.js';
import type { ApplicationInput, StoredOidcConfig, StoredSettings } from './types.js';
import { refuseUnimplementedSettings } from './unimplemented.js';
import { LOGIN_METHODS, REGISTER_METHODS, type AuthMethod } from './vocabulary.js';

/** Rejects vendor fields this server does not implement, naming the field (never silently ignoring it). */
function refuseUnsupported(input: ApplicationInput & { template?: unknown }): void {
  for (const k of ['template', 'templateData', 'samlConfig', 'casConfig', 'oauthConfig'] as const) if (present(input[k])) throw unsupported(k);
  for (const k of ['samlProviderEnabled', 'casProviderEnabled'] as const) if (input[k] === true) throw unsupported(k);
  if (present(input.defaultProtocol) && input.defaultProtocol !== 'oidc' && input.defaultProtocol !== 'oauth') throw unsupported(`defaultProtocol=${input.defaultProtocol}`);
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
  if (present(input.brandingConfig)) {
    settings.brandingConfig = { ...settings.brandingConfig, ...input.brandingConfig };
    settings.customBrandingEnabled = true;
  }

  const patch: ApplicationPatch = {
    token_endpoint_auth_method: resolved.method,
    oidc_config: JSON.stringify(resolved.oidc),
    settings: JSON.stringify(settings),
  };
  if (present(input.appName)) patch.name = input.appName!;
  if (input.appLogo !== undefined) patch.logo = input.appLogo || null;
  if (input.appDescription !== undefined) patch.description = input.appDescription || null;
  if (redirectUris) patch.redirect_uris = JSON.stringify(redirectUris);
  if (logoutUris) patch.logout_redirect_uris = JSON.stringify(logoutUris);
  if (loginMethods) patch.login_methods = JSON.stringify(loginMethods);
  return patch;
}
