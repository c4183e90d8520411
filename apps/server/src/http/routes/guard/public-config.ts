import type { LoginUiConfig } from '../../../flows/login-ui/config.js';
import type { ApplicationDto } from '../../../services/applications/types.js';

/**
 * The application's public configuration in the shape Authing Guard 5 reads from
 * `GET /api/v2/applications/:appId/public-config` (the `ApplicationConfig` type of
 * `@authing/guard-shim-react`, src/Type/application.d.ts). Built from what the hosted login
 * shows (LoginUiConfig: enabled tabs, registration, connections, branding), so Guard and the
 * hosted page offer the same ways in. Public: no secret, the same for every visitor.
 *
 * Guard encrypts passwords with `publicKey` (jsencrypt, PKCS#1 v1.5); the pool's RSA key
 * (services/credentials/encryption.ts) decrypts them. Fields Gatehouse has no equivalent for
 * are given the value that turns the feature off in Guard.
 */
/** Guard always draws a logo: without one of the app's, a neutral mark instead of a broken image. */
const DEFAULT_LOGO = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><rect width="48" height="48" rx="10" fill="#1d4ed8"/><path d="M24 10l12 5v8c0 8-5 13-12 15-7-2-12-7-12-15v-8z" fill="#fff"/></svg>')}`;

export function guardPublicConfig(e: { app: ApplicationDto; ui: LoginUiConfig; rsaPublicKey: string; codeLength: number; publicUrl: string; cdnBase: string }) {
  const { app, ui } = e;
  const tabIds = ui.tabs.map((t) => t.id);
  const password = ui.tabs.find((t) => t.kind === 'password');
  const loginTabs: string[] = [];
  if (password) loginTabs.push('password');
  if (tabIds.includes('sms') || tabIds.includes('email')) loginTabs.push('phone-code');
  if (tabIds.includes('qrcode')) loginTabs.push('app-qrcode');
  const verify: Array<'phone-code' | 'email-code'> = [...(tabIds.includes('sms') ? (['phone-code'] as const) : []), ...(tabIds.includes('email') ? (['email-code'] as const) : [])];
  const registerTabs = ui.registration.methods.flatMap((m) => (m === 'password' ? ['email'] : m === 'sms' ? ['phone'] : ['emailCode']));
  const b = ui.branding;
  const defaultLogin = ui.defaultTab === 'password' ? 'password' : ui.defaultTab === 'qrcode' ? 'app-qrcode' : 'phone-code';
  const agreements = b.agreements.map((a, i) => ({ id: i + 1, title: a.content, required: a.isRequired, lang: a.lang, availableAt: a.displayAt.includes('RegisterPage') && a.displayAt.includes('LoginPage') ? 2 : a.displayAt.includes('RegisterPage') ? 0 : 1 }));
  return {
    id: app.appId,
    identifier: app.appIdentifier,
    name: app.appName,
    logo: b.logo || app.appLogo || DEFAULT_LOGO,
    description: app.appDescription ?? '',
    userPoolId: app.userPoolId,
    rootUserPoolId: app.userPoolId,
    defaultAppId: app.appId,
    requestHostname: new URL(e.publicUrl).host,
    cdnBase: e.cdnBase,
    allowedOrigins: [],
    corsWhitelist: [],
    publicKey: e.rsaPublicKey,
    css: b.css,
    customLoading: b.loadingImage,
    redirectUris: app.redirectUris,
    registerDisabled: !ui.registration.enabled,
    mergeAdAndAccountPasswordLogin: false,
    loginTabs: { list: loginTabs, default: defaultLogin, defaultV2: defaultLogin, title: {} },
    registerTabs: { list: registerTabs, default: registerTabs[0] ?? 'email', title: {} },
    registerTabsConfig: { list: registerTabs, default: registerTabs[0] ?? 'email', title: {}, registerTypeConfig: {} },
    tabMethodsSortConfig: { loginMethodsSort: loginTabs },
    tabMethodsFields: [],
    passwordTabConfig: {
      enabledLoginMethods: (password?.identifiers ?? []).map((i) => `${i}-password`),
      validLoginMethods: (password?.identifiers ?? []).map((i) => `${i}-password`),
      validRegisterMethods: [],
    },
    verifyCodeTabConfig: { enabledLoginMethods: verify, validLoginMethods: verify, validRegisterMethods: [] },
    qrcodeTabsSettings: {},
    qrCodeSortConfig: { loginMethodsSort: [] },
    socialConnections: [],
    identityProviders: [],
    ssoPageComponentDisplay: {
      autoRegisterThenLoginHintInfo: false,
      forgetPasswordBtn: b.showForgetPasswordButton,
      idpBtns: b.showEnterpriseConnections,
      loginBtn: true,
      loginByPhoneCodeTab: verify.length > 0,
      loginByUserPasswordTab: Boolean(password),
      loginMethodNav: true,
      phoneCodeInput: true,
      registerBtn: ui.registration.enabled,
      registerByEmailTab: registerTabs.includes('email'),
      registerByPhoneTab: registerTabs.includes('phone'),
      registerMethodNav: true,
      socialLoginBtns: b.showSocialConnections,
      userPasswordInput: true,
      wxMpScanTab: false,
      loginMethodsI18nDisplaySettings: {},
    },
    protocol: 'oidc',
    oidcConfig: { grant_types: app.oidcConfig.grant_types, client_id: app.appId, redirect_uris: app.redirectUris, scope: 'openid profile', response_types: app.oidcConfig.response_types },
    agreementEnabled: agreements.length > 0,
    agreements,
    extendsFieldsEnabled: false,
    extendsFields: [],
    complateFiledsPlace: [],
    skipComplateFileds: true,
    customPasswordStrength: {},
    passwordStrength: 0,
    verifyCodeLength: e.codeLength,
    websocket: '',
    welcomeMessage: {},
    selfUnlockStrategy: 'captcha',
    defaultLanguageConfig: b.defaultLanguage ?? 'en-US',
    enableLoginAccountSwitch: false,
    enableCompletePassword: false,
    mfa: { faceScore: 0 },
    authingOtpPushTabConfig: { enabledLoginMethods: null, validLoginMethods: null, validRegisterMethods: null },
    customSecurityEnabled: false,
    appRobotVerify: 'disable',
    userpoolRobotVerify: 'disable',
    enableVerifyDomainInJoinTenant: false,
    passkeyEnabled: false,
    enableCreateTenant: false,
    enableJoinTenant: false,
    isTenantConsole: false,
    enableSubAccount: false,
    userPoolInWhitelist: false,
    internationalSmsConfig: { enabled: false, defaultISOType: 'CN' },
  };
}
