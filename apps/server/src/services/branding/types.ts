/**
 * Branding of the login page (vendor `ApplicationBrandingConfig`, plus `primaryColor` and
 * `favicon`, Gatehouse's additions). A pool sets defaults through `update-login-page-config`;
 * an application overrides any of them through `update-application`.
 */
export type UiLanguage = 'zh-CN' | 'zh-TW' | 'en-US' | 'ja-JP';
export const UI_LANGUAGES: readonly UiLanguage[] = ['zh-CN', 'zh-TW', 'en-US', 'ja-JP'];

export interface Agreement {
  displayAt: Array<'LoginPage' | 'RegisterPage'>;
  isRequired: boolean;
  lang: UiLanguage;
  /** Plain text; `[title](https://…)` becomes a link. */
  content: string;
}

export interface BrandingFields {
  customCSSEnabled?: boolean;
  customCSS?: string;
  guardVersion?: 'Advanced' | 'Classical';
  customLoadingImage?: string;
  customBackground?: string;
  showChangeLanguageButton?: boolean;
  defaultLanguage?: UiLanguage;
  showForgetPasswordButton?: boolean;
  showEnterpriseConnections?: boolean;
  showSocialConnections?: boolean;
  showAgreement?: boolean;
  agreements?: Agreement[];
  /** Gatehouse: the accent colour of buttons and links. */
  primaryColor?: string;
  /** Gatehouse: the page's icon. */
  favicon?: string;
}

/** Tab ids of the login page, in the order `tabMethodsSortConfig.loginMethodsSort` may give. */
export const TAB_IDS = ['password', 'sms', 'email', 'qrcode'] as const;
export type TabId = (typeof TAB_IDS)[number];

/** The pool-wide login page configuration (vendor `UpdateLoginConfig`, the parts Gatehouse implements). */
export interface PoolLoginPageConfig {
  brandingConfig?: BrandingFields;
  /** Logo shown when the application has none. */
  logo?: string;
  tabMethodsSortConfig?: { loginMethodsSort?: TabId[] };
}

/** What the login UI receives: branding resolved (pool, then app), safe to put in a page. */
export interface ResolvedBranding {
  logo: string;
  primaryColor: string;
  background: string;
  loadingImage: string;
  favicon: string;
  /** Sanitised, scoped custom CSS (empty when disabled). */
  css: string;
  showChangeLanguageButton: boolean;
  defaultLanguage: UiLanguage | null;
  showForgetPasswordButton: boolean;
  showEnterpriseConnections: boolean;
  showSocialConnections: boolean;
  agreements: Array<Agreement & { id: string }>;
  tabOrder: TabId[];
}
