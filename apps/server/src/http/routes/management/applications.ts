import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { envelope, success } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { Envelope, IsSuccess, mgmtSecurity, PageQuery } from '../common.js';
import { managementActor } from './event-context.js';
import { APP_IDENTIFIER_PATTERN, APP_TYPES, AUTH_METHODS, DEFAULT_PROTOCOLS, LOGIN_METHODS, REGISTER_METHODS, UNSUPPORTED_OIDC_FIELDS } from '../../../services/applications.js';

/*
 * Applications, as authing-node-sdk `ManagementClient` calls them: create-application,
 * get-application, list-applications, update-application, delete-application and
 * get-application-secret. Bodies carry every field of the vendor DTOs; fields this server does
 * not implement are accepted by the schema and refused by the service with
 * `request.unsupported_field`, naming the field.
 */

const tags = ['applications'];
const literals = (values: readonly string[], options: object = {}) => Type.Union(values.map((v) => Type.Literal(v)), options);
const strict = <T extends Record<string, TSchema>>(props: T, options: object = {}) => Type.Object(props, { additionalProperties: false, ...options });
const vendorOnly = (what: string) => Type.Optional(Type.Unknown({ description: `Vendor field (${what}); not supported yet: refused with request.unsupported_field when set.` }));

const Uris = (description: string) => Type.Array(Type.String({ maxLength: 2048 }), { maxItems: 100, description });
const Seconds = (description: string) => Type.Optional(Type.Integer({ description: `${description}, in seconds.` }));
const AuthMethod = (description: string) => Type.Optional(Type.String({ description: `${description}: ${AUTH_METHODS.join(' | ')}.` }));

/** Vendor `OIDCConfig` (names from RFC 7591 §2 where they exist); values are checked by the service → application.invalid_config. */
const OidcConfig = strict(
  {
    client_id: Type.Optional(Type.String({ description: 'Read-only: always the appId.' })),
    grant_types: Type.Optional(Type.Array(Type.String(), { maxItems: 10, description: 'authorization_code, refresh_token, client_credentials, urn:ietf:params:oauth:grant-type:device_code (RFC 8628). implicit and password are refused (RFC 9700).' })),
    response_types: Type.Optional(Type.Array(Type.String(), { maxItems: 10, description: 'Only code (no implicit or hybrid flows).' })),
    token_endpoint_auth_method: AuthMethod('Client authentication at the token endpoint; default client_secret_post for web/api, none for spa/native'),
    introspection_endpoint_auth_method: AuthMethod('Client authentication at the introspection endpoint; defaults to token_endpoint_auth_method'),
    revocation_endpoint_auth_method: AuthMethod('Client authentication at the revocation endpoint; defaults to token_endpoint_auth_method'),
    id_token_signed_response_alg: Type.Optional(Type.String({ description: 'ES256 (default), RS256 or HS256 (confidential clients only, keyed with the app secret).' })),
    authorization_code_expire: Seconds('Authorization code lifetime (10–600, default 600)'),
    authorization_code_lifetime: Seconds('Alias of authorization_code_expire'),
    access_token_expire: Seconds('Access token lifetime (default 7200)'),
    access_token_lifetime: Seconds('Alias of access_token_expire'),
    id_token_expire: Seconds('ID token lifetime (default 3600)'),
    id_token_lifetime: Seconds('Alias of id_token_expire'),
    refresh_token_expire: Seconds('Refresh token lifetime (default 30 days)'),
    refresh_token_lifetime: Seconds('Alias of refresh_token_expire'),
    require_proof_key: Type.Optional(Type.Boolean({ description: 'Require PKCE (RFC 7636); always true for public clients.' })),
    skip_consent: Type.Optional(Type.Boolean()),
    scope: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()], { description: 'RFC 7591 scope: space-separated scopes this client may request (e.g. for client credentials).' })),
    redirect_uris: Type.Optional(Uris('Same as redirectUris; must agree with it when both are given.')),
    post_logout_redirect_uris: Type.Optional(Uris('Same as logoutRedirectUris; must agree with it when both are given.')),
    backchannel_logout_uri: Type.Optional(
      Type.Union([Type.String({ maxLength: 2048 }), Type.Null()], { description: 'OpenID Connect Back-Channel Logout 1.0: where a logout token is POSTed when the user signs out (https; never an internal address). Empty or null removes it.' }),
    ),
    backchannel_logout_session_required: Type.Optional(Type.Boolean({ description: 'Back-Channel Logout: put `sid` in logout tokens and ID tokens.' })),
    ...Object.fromEntries(UNSUPPORTED_OIDC_FIELDS.map((k) => [k, vendorOnly('OIDCConfig')])),
  },
  { description: 'OIDC client settings (vendor OIDCConfig).' },
);

const DefaultLoginMethod = strict({
  connectionType: literals(['PASSCODE', 'PASSWORD', 'QRCODE', 'LDAP', 'AD']),
  qrcodeType: Type.Optional(literals(['SELF_BUILT_APP', 'WECHAT_OFFICIAL_ACCOUNT', 'WECHAT_MINI_PROGRAM'])),
  qrcodeExtIdpConnId: Type.Optional(Type.String({ maxLength: 64 })),
  adExtIdpConnId: Type.Optional(Type.String({ maxLength: 64 })),
  ldapExtIdpConnId: Type.Optional(Type.String({ maxLength: 64 })),
});

/** Vendor `ApplicationLoginConfigInputDto` / `UpdateApplicationLoginConfigInputDto`. */
const LoginConfig = strict({
  mergeLoginAndRegisterPage: Type.Optional(Type.Boolean()),
  enabledBasicLoginMethods: Type.Optional(Type.Array(literals(LOGIN_METHODS), { maxItems: LOGIN_METHODS.length * 2 })),
  defaultLoginMethod: Type.Optional(DefaultLoginMethod),
  enabledExtIdpConnIds: Type.Optional(Type.Array(strict({ extIdpConnId: Type.String({ maxLength: 64 }) }), { maxItems: 100, description: 'External identity provider connections are not supported yet: a non-empty list is refused.' })),
  enabledAllExtIdpConns: Type.Optional(Type.Boolean()),
  showAuthorizationPage: Type.Optional(Type.Boolean()),
  frameAncestors: Type.Optional(
    Type.Array(Type.String({ pattern: '^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$' }), { maxItems: 10, description: 'Gatehouse: origins that may frame the hosted login page (CSP frame-ancestors); none by default.' }),
  ),
});

/** Vendor `ApplicationRegisterConfigInputDto`. */
/**
 * Registration information completion (the vendor console's "信息补全"; docs/custom-fields.md,
 * "Profile completion"): the fields the sign-in asks for after registration (`register`) and at
 * later sign-ins while a required one is missing (`login`). Gatehouse extension of the vendor DTO.
 */
const CompleteProfile = strict({
  enabled: Type.Boolean(),
  when: Type.Optional(Type.Array(literals(['register', 'login']), { maxItems: 2, description: 'register: the first sign-in after registration asks for every missing field; login: any sign-in asks while a required field is missing. Default both.' })),
  fields: Type.Array(
    strict({
      type: literals(['udf', 'user'], { description: 'udf: a USER custom field (setCustomFields); user: a built-in profile field (nickname, name, company …).' }),
      key: Type.String({ minLength: 1, maxLength: 64 }),
      required: Type.Optional(Type.Boolean()),
      inputType: Type.Optional(literals(['text', 'password', 'number', 'date', 'color', 'email', 'select', 'checkbox'])),
    }),
    { maxItems: 20 },
  ),
});

const RegisterConfig = strict({
  enabledBasicRegisterMethods: Type.Optional(Type.Array(literals(REGISTER_METHODS), { maxItems: REGISTER_METHODS.length * 2 })),
  defaultRegisterMethod: Type.Optional(literals(['PASSCODE', 'PASSWORD'])),
  completeProfile: Type.Optional(CompleteProfile),
});

const LANGS = ['zh-CN', 'en-US', 'zh-TW', 'ja-JP'];
/** Vendor `ApplicationBrandingConfigInputDto`. */
export const BrandingConfig = strict({
  customCSSEnabled: Type.Optional(Type.Boolean()),
  customCSS: Type.Optional(Type.String({ maxLength: 100_000 })),
  guardVersion: Type.Optional(literals(['Advanced', 'Classical'])),
  customLoadingImage: Type.Optional(Type.String({ maxLength: 2048 })),
  customBackground: Type.Optional(Type.String({ maxLength: 2048 })),
  showChangeLanguageButton: Type.Optional(Type.Boolean()),
  defaultLanguage: Type.Optional(literals(LANGS)),
  showForgetPasswordButton: Type.Optional(Type.Boolean()),
  showEnterpriseConnections: Type.Optional(Type.Boolean()),
  showSocialConnections: Type.Optional(Type.Boolean()),
  showAgreement: Type.Optional(Type.Boolean()),
  agreements: Type.Optional(
    Type.Array(
      strict({
        displayAt: Type.Array(literals(['LoginPage', 'RegisterPage']), { minItems: 1, maxItems: 2 }),
        isRequired: Type.Boolean(),
        lang: literals(LANGS),
        content: Type.String({ minLength: 1, maxLength: 2000, description: 'Plain text; [title](https://…) becomes a link.' }),
      }),
      { maxItems: 20 },
    ),
  ),
  primaryColor: Type.Optional(Type.String({ maxLength: 64, description: 'Gatehouse: accent colour of the login page (#rrggbb, rgb(), hsl() or a colour name).' })),
  favicon: Type.Optional(Type.String({ maxLength: 200_000, description: 'Gatehouse: icon of the login page (https URL or data: image).' })),
});

/** Fields create and update share (vendor `CreateApplicationDto` ∩ `UpdateApplicationDto`). */
const commonFields = {
  templateData: vendorOnly('integrated-app template data'),
  appIdentifier: Type.Optional(Type.String({ pattern: APP_IDENTIFIER_PATTERN, description: 'Unique in the pool; derived from appName when absent.' })),
  appLogo: Type.Optional(Type.String({ maxLength: 2048 })),
  appDescription: Type.Optional(Type.String({ maxLength: 2000 })),
  defaultProtocol: Type.Optional(literals(DEFAULT_PROTOCOLS, { description: 'oidc, oauth, saml or cas; asa is not supported.' })),
  redirectUris: Type.Optional(Uris('Sign-in callback URIs: absolute, exact, no fragment, no wildcard; https or loopback http; custom schemes for native apps.')),
  logoutRedirectUris: Type.Optional(Uris('Post-logout redirect URIs, same rules.')),
  initLoginUri: Type.Optional(Type.String({ maxLength: 2048 })),
  ssoEnabled: Type.Optional(Type.Boolean()),
  oidcConfig: Type.Optional(OidcConfig),
  samlProviderEnabled: Type.Optional(Type.Boolean({ description: 'Gatehouse acts as the SAML 2.0 identity provider of this app (needs samlConfig; docs/saml.md).' })),
  samlConfig: Type.Optional(Type.Unknown({ description: 'SAML service-provider settings: spEntityId, acsUrls [{url, binding}], sloUrl, nameIdFormat, nameIdSource, attributeMappings, signatureAlgorithm, signResponse, signAssertion, encryptAssertion, spCertificate, spMetadataXml | spMetadataUrl, allowIdpInitiated (docs/saml.md). Partial on update.' })),
  oauthProviderEnabled: Type.Optional(Type.Boolean()),
  oauthConfig: vendorOnly('OauthIdpConfig'),
  casProviderEnabled: Type.Optional(Type.Boolean({ description: 'Gatehouse acts as the CAS server of this app (needs casConfig; docs/cas.md).' })),
  casConfig: Type.Optional(Type.Unknown({ description: 'CAS settings: serviceUrls, servicePatterns, attributes, ticketTtlSeconds, userIdSource (docs/cas.md). Partial on update.' })),
  loginConfig: Type.Optional(LoginConfig),
  registerConfig: Type.Optional(RegisterConfig),
  brandingConfig: Type.Optional(BrandingConfig),
};

export const CreateApplicationBody = strict({
  appName: Type.String({ minLength: 1, maxLength: 255 }),
  template: vendorOnly('integrated-app template'),
  appType: Type.Optional(literals(APP_TYPES, { description: 'web (default), spa, native, api, mini-program; mfa and gateway types are not supported yet.' })),
  ...commonFields,
});

export const UpdateApplicationBody = strict({
  appId: Type.String({ minLength: 1, maxLength: 64 }),
  appName: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  ...commonFields,
  ssoShowLaunchpad: Type.Optional(Type.Boolean()),
  enablePermissionApply: Type.Optional(Type.Boolean()),
});

const AppIdBody = strict({ appId: Type.String({ minLength: 1, maxLength: 64 }) });
const AppIdQuery = Type.Object({ appId: Type.String({ minLength: 1, maxLength: 64 }) });

const ListQuery = Type.Object({
  ...PageQuery,
  isIntegrateApp: Type.Optional(Type.Boolean({ description: 'true lists integrated (template) apps: there are none here.' })),
  isSelfBuiltApp: Type.Optional(Type.Boolean({ description: 'Every app here is self-built.' })),
  ssoEnabled: Type.Optional(Type.Boolean({ description: 'true lists only apps with SSO enabled.' })),
  keywords: Type.Optional(Type.String({ maxLength: 255, description: 'Substring of the name or appIdentifier, case-insensitive.' })),
  all: Type.Optional(Type.Boolean()),
});

/** Response data; null on errors, which this surface also sends with HTTP 200 (design.md §1). */
const OrNull = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
// The fields the console reads are named (so its generated client types them: the login methods as
// the same enum the body takes); the rest of the vendor DTO passes through as additional properties.
const ApplicationOut = Type.Object(
  {
    appId: Type.String(),
    appIdentifier: Type.String(),
    appName: Type.String(),
    appType: Type.String(),
    appDescription: Type.Optional(Type.String()),
    userPoolId: Type.String(),
    redirectUris: Type.Array(Type.String()),
    isDefault: Type.Boolean({ description: 'The pool\'s default application (cannot be deleted).' }),
    loginConfig: Type.Object({ enabledBasicLoginMethods: Type.Optional(Type.Array(literals(LOGIN_METHODS))) }, { additionalProperties: true }),
  },
  { additionalProperties: true, description: 'Vendor ApplicationDto (never contains the secret).' },
);

export async function applicationRoutes(app: FastifyInstance): Promise<void> {
  const { services } = app.gh;
  // Management changes to clients are security events (ASVS V16); never with the secret.

  app.post<{ Body: Static<typeof CreateApplicationBody> }>(
    '/create-application',
    {
      schema: {
        tags,
        summary: 'Create an application (OAuth/OIDC client); read its secret with get-application-secret',
        security: mgmtSecurity,
        body: CreateApplicationBody,
        response: { 200: Envelope(OrNull(ApplicationOut)) },
      },
    },
    async (req) => {
      const { appSecret: _secret, ...created } = await services.applications.create(managementPool(req), req.body);
      await services.events.emit('application:created', { ...managementActor(req), subject: created.appId, data: { appId: created.appId, name: created.appName } });
      return envelope(req, created);
    },
  );

  app.get<{ Querystring: Static<typeof AppIdQuery> }>(
    '/get-application',
    { schema: { tags, summary: 'Get an application', security: mgmtSecurity, querystring: AppIdQuery, response: { 200: Envelope(OrNull(ApplicationOut)) } } },
    async (req) => envelope(req, await services.applications.get(managementPool(req), req.query.appId)),
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/list-applications',
    {
      schema: {
        tags,
        summary: 'List the applications of the pool',
        security: mgmtSecurity,
        querystring: ListQuery,
        response: { 200: Envelope(OrNull(Type.Object({ list: Type.Array(ApplicationOut), totalCount: Type.Integer() }))) },
      },
    },
    async (req) => {
      const q = req.query;
      return envelope(req, await services.applications.list(managementPool(req), { page: q.page, limit: q.limit, keywords: q.keywords || undefined, isIntegrateApp: q.isIntegrateApp, isSelfBuiltApp: q.isSelfBuiltApp, ssoEnabled: q.ssoEnabled }));
    },
  );

  app.post<{ Body: Static<typeof UpdateApplicationBody> }>(
    '/update-application',
    { schema: { tags, summary: 'Update an application (absent fields keep their value)', security: mgmtSecurity, body: UpdateApplicationBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      const { appId, ...changes } = req.body;
      await services.applications.update(managementPool(req), appId, changes);
      await services.events.emit('application:updated', { ...managementActor(req), subject: appId, data: { appId, fields: Object.keys(req.body).filter((k) => k !== 'appId') } });
      return success(req);
    },
  );

  app.post<{ Body: Static<typeof AppIdBody> }>(
    '/delete-application',
    { schema: { tags, summary: 'Delete an application (not the default one)', security: mgmtSecurity, body: AppIdBody, response: { 200: Envelope(OrNull(IsSuccess)) } } },
    async (req) => {
      await services.applications.delete(managementPool(req), req.body.appId);
      await services.events.emit('application:deleted', { ...managementActor(req), subject: req.body.appId, data: { appId: req.body.appId } });
      return success(req);
    },
  );

  app.get<{ Querystring: Static<typeof AppIdQuery> }>(
    '/get-application-secret',
    {
      schema: {
        tags,
        summary: "Read an application's client secret",
        security: mgmtSecurity,
        querystring: AppIdQuery,
        response: { 200: Envelope(OrNull(Type.Object({ secret: Type.String() }))) },
      },
    },
    async (req) => {
      const secret = await services.applications.getSecret(managementPool(req), req.query.appId);
      await services.events.emit('application:secret-read', { ...managementActor(req), subject: req.query.appId, data: { appId: req.query.appId } });
      return envelope(req, { secret });
    },
  );
}
