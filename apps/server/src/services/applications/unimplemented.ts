import { unsupportedField } from '../../errors/app-error.js';
import type { ApplicationInput } from './types.js';

/**
 * Application settings the vendor API accepts but Gatehouse does not act on yet. Accepting
 * them and changing nothing would be a lie (the caller would believe the hosted login now
 * shows their logo or hides the forgotten-password link), so they are refused with
 * `request.unsupported_field` naming the field (docs/api.md).
 *
 * This is the one list: when the hosted login implements a setting, delete its line here (and
 * the docs line in docs/api.md) in the same change. `refuse` says which values would be
 * ignored; a value equal to what the server already does is harmless and passes.
 */
export const UNIMPLEMENTED_APP_SETTINGS: ReadonlyArray<{ path: string; refuse: (value: unknown) => boolean }> = [
  { path: 'appLogo', refuse: (v) => typeof v === 'string' && v !== '' },
  { path: 'initLoginUri', refuse: (v) => typeof v === 'string' && v !== '' },
  { path: 'ssoEnabled', refuse: (v) => v === false }, // SSO across a pool's apps is always on
  { path: 'oauthProviderEnabled', refuse: (v) => v === false }, // /oauth is always served
  { path: 'ssoShowLaunchpad', refuse: (v) => v !== undefined },
  { path: 'enablePermissionApply', refuse: (v) => v !== undefined },
  { path: 'loginConfig.mergeLoginAndRegisterPage', refuse: (v) => v !== undefined },
  { path: 'loginConfig.defaultLoginMethod', refuse: (v) => v !== undefined },
  { path: 'loginConfig.enabledAllExtIdpConns', refuse: (v) => v === true },
  { path: 'registerConfig.defaultRegisterMethod', refuse: (v) => v !== undefined && v !== 'PASSWORD' }, // the vendor DTO requires it; PASSWORD is what the hosted login does
  ...[
    'customCSSEnabled',
    'customCSS',
    'guardVersion',
    'customLoadingImage',
    'customBackground',
    'showChangeLanguageButton',
    'defaultLanguage',
    'showForgetPasswordButton',
    'showEnterpriseConnections',
    'showSocialConnections',
  ].map((k) => ({ path: `brandingConfig.${k}`, refuse: (v: unknown) => v !== undefined })),
];

const at = (input: object, path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), input);

/** Throws `request.unsupported_field` for the first unimplemented setting `input` sets. */
export function refuseUnimplementedSettings(input: ApplicationInput): void {
  for (const { path, refuse } of UNIMPLEMENTED_APP_SETTINGS) if (refuse(at(input, path))) throw unsupportedField(path);
}
