import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { envelope, success } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { mgmtSecurity } from '../common.js';
import { TAB_IDS, type BrandingFields } from '../../../services/branding/types.js';
import { BrandingConfig } from './applications.js';

/*
 * The pool-wide login page configuration, as the vendor `ManagementClient.updateLoginPageConfig`
 * sends it (`UpdateLoginConfigDto`: `{ update: UpdateLoginConfig }`). Every application of the
 * pool inherits it; an application's own `brandingConfig` / `appLogo` override it field by field.
 * Gatehouse implements `tabMethodsSortConfig.loginMethodsSort` and adds `brandingConfig` and
 * `logo` (the same fields as an application's); the vendor's tenant settings are refused.
 */
const tags = ['branding'];
const strict = <T extends Record<string, TSchema>>(props: T) => Type.Object(props, { additionalProperties: false });
const Opaque = (description: string) => Type.Optional(Type.Object({}, { additionalProperties: true, description: `${description} Not supported yet: refused when not empty.` }));

const UpdateLoginConfig = strict({
  tabMethodsSortConfig: Type.Optional(strict({ loginMethodsSort: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10, description: `Tab order: ${TAB_IDS.join(', ')}.` })) })),
  brandingConfig: Type.Optional(BrandingConfig),
  logo: Type.Optional(Type.String({ maxLength: 200_000, description: 'Logo of apps that have none (https URL or data: image).' })),
  qrCodeSortConfig: Opaque('QR code tab order.'),
  ssoPageCustomizationSettings: Opaque('SSO page settings.'),
  passwordTabConfig: Opaque('Password tab settings.'),
  verifyCodeTabConfig: Opaque('Code tab settings.'),
  config: Opaque('Language settings.'),
  enableCreateTenant: Type.Optional(Type.Boolean()),
  createTenantScenes: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 })),
  enableJoinTenant: Type.Optional(Type.Boolean()),
  joinTenantScenes: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 })),
  enableVerifyDomain: Type.Optional(Type.Boolean()),
  enableAutoConnectTenantApp: Type.Optional(Type.Boolean()),
  verifyDomainScenes: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 })),
});
const UpdateBody = strict({ update: UpdateLoginConfig });
const PreviewBody = strict({
  appId: Type.String({ minLength: 1, maxLength: 64, description: 'The application whose login page is previewed (its tabs and connections).' }),
  level: Type.Union([Type.Literal('application'), Type.Literal('pool')], { description: "`application`: the draft is the app's own branding; `pool`: the pool-wide one, as an app that overrides nothing inherits it." }),
  brandingConfig: Type.Optional(BrandingConfig),
  logo: Type.Optional(Type.String({ maxLength: 200_000, description: '`appLogo` (application) or `logo` (pool).' })),
});

export async function brandingRoutes(app: FastifyInstance): Promise<void> {
  const { branding, loginUi } = app.gh;

  /*
   * The console's live preview (docs/branding.md "Live preview"): the login page's configuration
   * as it would be with unsaved branding — checked and sanitised exactly like a save, never
   * stored. A POST (the draft can be 100 KB of CSS), so the console's read-only role is refused.
   */
  app.post<{ Body: Static<typeof PreviewBody> }>(
    '/preview-login-page',
    { schema: { tags, summary: 'The login page configuration with unsaved branding, for a live preview (Gatehouse; nothing is stored)', security: mgmtSecurity, body: PreviewBody } },
    async (req) => {
      const poolId = managementPool(req);
      const { appId, level, brandingConfig, logo } = req.body;
      const resolved = await branding.preview(poolId, appId, { level, ...(brandingConfig ? { brandingConfig: brandingConfig as BrandingFields } : {}), ...(logo === undefined ? {} : { logo }) });
      return envelope(req, await loginUi.config(poolId, appId, resolved));
    },
  );

  app.post<{ Body: Static<typeof UpdateBody> }>(
    '/update-login-page-config',
    { schema: { tags, summary: 'Update the pool-wide login page configuration (inherited by every application)', security: mgmtSecurity, body: UpdateBody } },
    async (req) => {
      await branding.updatePoolConfig(managementPool(req), req.body.update as Record<string, unknown>);
      return success(req);
    },
  );

  app.get(
    '/get-login-page-config',
    { schema: { tags, summary: 'The pool-wide login page configuration (Gatehouse)', security: mgmtSecurity } },
    async (req) => envelope(req, await branding.getPoolConfig(managementPool(req))),
  );
}
