import { AppError, unsupportedField } from '../../errors/app-error.js';
import type { ApplicationsRepo } from '../../storage/repositories/applications.js';
import type { BrandingRepo } from '../../storage/repositories/branding.js';
import { nowIso } from '../../utils/time.js';
import { settingsOf } from '../applications/dto.js';
import { sanitizeCss } from './css.js';
import { TAB_IDS, type BrandingFields, type PoolLoginPageConfig, type ResolvedBranding, type TabId } from './types.js';
import { checkBackground, checkColor, checkImageUrl } from './values.js';

/** The CSS selector of the login root: custom CSS is scoped to it (hosted page and element alike). */
export const LOGIN_ROOT_SELECTOR = '.gh-login';

const DEFAULTS = {
  showChangeLanguageButton: true,
  showForgetPasswordButton: true,
  showEnterpriseConnections: true,
  showSocialConnections: true,
  showAgreement: false,
} as const;

const parse = (text: string | null): PoolLoginPageConfig => {
  if (!text) return {};
  try {
    return JSON.parse(text) as PoolLoginPageConfig;
  } catch {
    return {};
  }
};

/** Checks the values that reach the page (URLs, colours, background); the route's schema checked the shape. */
export function checkBrandingFields(b: BrandingFields | undefined, prefix = 'brandingConfig'): void {
  if (!b) return;
  if (b.customLoadingImage !== undefined) checkImageUrl(b.customLoadingImage, `${prefix}.customLoadingImage`);
  if (b.favicon !== undefined) checkImageUrl(b.favicon, `${prefix}.favicon`);
  if (b.customBackground !== undefined) checkBackground(b.customBackground);
  if (b.primaryColor !== undefined) checkColor(b.primaryColor, `${prefix}.primaryColor`);
}

/**
 * Branding of the login page: the pool's login page configuration, overridden field by field by
 * the application's own `brandingConfig` and `appLogo` (the vendor's "per-app branding inherits
 * the global one").
 */
export function createBrandingService(deps: { repo: BrandingRepo; applications: Pick<ApplicationsRepo, 'findById'> }) {
  /** Sanitising is pure but not free: memoised by input (a few entries per pool). */
  const cssCache = new Map<string, string>();
  const safeCss = (css: string) => {
    let out = cssCache.get(css);
    if (out === undefined) {
      out = sanitizeCss(css, LOGIN_ROOT_SELECTOR);
      if (cssCache.size > 500) cssCache.clear();
      cssCache.set(css, out);
    }
    return out;
  };

  /** Pool first, then the application's own fields over it, field by field. */
  const compose = (pool: PoolLoginPageConfig, own: BrandingFields, appLogo: string): ResolvedBranding => {
    const b: BrandingFields = { ...DEFAULTS, ...pool.brandingConfig, ...own };
    const showAgreement = b.showAgreement === true;
    return {
      logo: appLogo || pool.logo || '',
      primaryColor: b.primaryColor ?? '',
      background: b.customBackground ?? '',
      loadingImage: b.customLoadingImage ?? '',
      favicon: b.favicon ?? '',
      css: b.customCSSEnabled && b.customCSS ? safeCss(b.customCSS) : '',
      showChangeLanguageButton: b.showChangeLanguageButton !== false,
      defaultLanguage: b.defaultLanguage ?? null,
      showForgetPasswordButton: b.showForgetPasswordButton !== false,
      showEnterpriseConnections: b.showEnterpriseConnections !== false,
      showSocialConnections: b.showSocialConnections !== false,
      agreements: showAgreement ? (b.agreements ?? []).map((a, i) => ({ ...a, id: `a${i}` })) : [],
      tabOrder: pool.tabMethodsSortConfig?.loginMethodsSort ?? [],
    };
  };

  return {
    async getPoolConfig(poolId: string): Promise<PoolLoginPageConfig> {
      return parse(await deps.repo.getPoolConfig(poolId));
    },

    /**
     * The vendor's `update-login-page-config` (`{ update: {...} }`): merges what is given into the
     * pool's configuration. Tenant settings of the vendor DTO are refused (not implemented).
     */
    async updatePoolConfig(poolId: string, update: Record<string, unknown>): Promise<PoolLoginPageConfig> {
      for (const k of ['enableCreateTenant', 'enableJoinTenant', 'enableVerifyDomain', 'enableAutoConnectTenantApp']) if (update[k] === true) throw unsupportedField(`update.${k}`);
      for (const k of ['createTenantScenes', 'joinTenantScenes', 'verifyDomainScenes']) if (Array.isArray(update[k]) && (update[k] as unknown[]).length > 0) throw unsupportedField(`update.${k}`);
      for (const k of ['qrCodeSortConfig', 'ssoPageCustomizationSettings', 'passwordTabConfig', 'verifyCodeTabConfig', 'config'])
        if (update[k] && typeof update[k] === 'object' && Object.keys(update[k] as object).length > 0) throw unsupportedField(`update.${k}`);
      const current = await this.getPoolConfig(poolId);
      const next: PoolLoginPageConfig = { ...current };
      const branding = update.brandingConfig as BrandingFields | undefined;
      if (branding) {
        checkBrandingFields(branding, 'update.brandingConfig');
        next.brandingConfig = { ...current.brandingConfig, ...branding };
      }
      if (update.logo !== undefined) next.logo = checkImageUrl(update.logo, 'update.logo');
      const sort = (update.tabMethodsSortConfig as { loginMethodsSort?: unknown } | undefined)?.loginMethodsSort;
      if (sort !== undefined) {
        if (!Array.isArray(sort) || sort.some((x) => !(TAB_IDS as readonly string[]).includes(x as string))) {
          throw new AppError('branding.invalid_order', { params: { field: 'update.tabMethodsSortConfig.loginMethodsSort', allowed: TAB_IDS.join(', ') } });
        }
        next.tabMethodsSortConfig = { loginMethodsSort: [...new Set(sort as TabId[])] };
      }
      await deps.repo.putPoolConfig(poolId, JSON.stringify(next), nowIso());
      return next;
    },

    /** The branding the login page shows for an application (or the pool alone, without one). */
    async resolve(poolId: string, appId: string | null): Promise<ResolvedBranding> {
      const pool = await this.getPoolConfig(poolId);
      const row = appId ? await deps.applications.findById(poolId, appId) : undefined;
      const own = row ? (settingsOf(row).brandingConfig as BrandingFields) : {};
      return compose(pool, own, row?.logo ?? '');
    },

    /**
     * The branding the login page would show with unsaved changes (the console's live preview):
     * the same checks as saving (`update-application`, `update-login-page-config`), the same
     * merge and the same CSS sanitiser, and nothing is stored. `application`: the app's own
     * fields with the draft on top, over the pool's; `pool`: the pool's fields with the draft on
     * top, as an app that overrides nothing inherits them.
     */
    async preview(poolId: string, appId: string, draft: { level: 'application' | 'pool'; brandingConfig?: BrandingFields; logo?: string }): Promise<ResolvedBranding> {
      checkBrandingFields(draft.brandingConfig);
      const logo = draft.logo === undefined ? undefined : checkImageUrl(draft.logo, draft.level === 'pool' ? 'logo' : 'appLogo');
      const pool = await this.getPoolConfig(poolId);
      if (draft.level === 'pool') {
        return compose({ ...pool, brandingConfig: { ...pool.brandingConfig, ...draft.brandingConfig }, ...(logo === undefined ? {} : { logo }) }, {}, '');
      }
      const row = await deps.applications.findById(poolId, appId);
      const own = row ? (settingsOf(row).brandingConfig as BrandingFields) : {};
      return compose(pool, { ...own, ...draft.brandingConfig }, logo ?? row?.logo ?? '');
    },
  };
}
export type BrandingService = ReturnType<typeof createBrandingService>;
