// Generated from the OpenAPI document (GET /openapi.json) by `npm run gen:console-api`: do not edit.
// apps/server/test/console/api-types.test.ts fails when it no longer matches the server.
/* eslint-disable */

export type AddDepartmentMembersBody = {
  organizationCode: string;
  departmentId: string;
  departmentIdType?: "department_id" | "open_department_id" | "sync_relation" | "custom_field" | "code";
  userIds: Array<string>;
  tenantId?: unknown;
};

export type AddDepartmentMembersData = {
  success: boolean;
  [key: string]: unknown;
};

export type AddGroupMembersBody = {
  code: string;
  userIds: Array<string>;
};

export type AssignRoleBodyTargetsItem = {
  targetType: "USER" | "ROLE" | "GROUP" | "DEPARTMENT";
  targetIdentifier: string;
};

export type BindPasswordBody = {
  password: string;
  passwordEncryptType?: "none" | "rsa" | "sm2";
};

export type ChangeQrcodeStatusBody = {
  qrcodeId: string;
  action: "SCAN" | "CONFIRM" | "CANCEL";
};

export type ConfigEmailProviderBodyAliExmailConfig = {
  sender: string;
  senderPass?: string;
};

export type CreateAccessKeyDataItem = {
  accessKeyId: string;
  accessKeySecret?: string;
  userId: string;
  userPoolId: string;
  name: string | null;
  status: string;
  enable: boolean;
  createdAt: string;
  lastDate: string;
  [key: string]: unknown;
};

export type CreateApplicationBodyOidcConfig = {
  client_id?: string;
  grant_types?: Array<string>;
  response_types?: Array<string>;
  token_endpoint_auth_method?: string;
  introspection_endpoint_auth_method?: string;
  revocation_endpoint_auth_method?: string;
  id_token_signed_response_alg?: string;
  authorization_code_expire?: number;
  authorization_code_lifetime?: number;
  access_token_expire?: number;
  access_token_lifetime?: number;
  id_token_expire?: number;
  id_token_lifetime?: number;
  refresh_token_expire?: number;
  refresh_token_lifetime?: number;
  require_proof_key?: boolean;
  skip_consent?: boolean;
  scope?: string | null;
  redirect_uris?: Array<string>;
  post_logout_redirect_uris?: Array<string>;
  backchannel_logout_uri?: string | null;
  backchannel_logout_session_required?: boolean;
  jwks?: unknown;
  jwks_uri?: unknown;
  request_object_signing_alg?: unknown;
  request_object_encryption_alg?: unknown;
  request_object_encryption_enc?: unknown;
  userinfo_signed_response_alg?: unknown;
  userinfo_encrypted_response_alg?: unknown;
  userinfo_encrypted_response_enc?: unknown;
  id_token_encrypted_response_alg?: unknown;
  id_token_encrypted_response_enc?: unknown;
  cas_expire?: unknown;
};

export type CreateApplicationBodyLoginConfigDefaultLoginMethod = {
  connectionType: "PASSCODE" | "PASSWORD" | "QRCODE" | "LDAP" | "AD";
  qrcodeType?: "SELF_BUILT_APP" | "WECHAT_OFFICIAL_ACCOUNT" | "WECHAT_MINI_PROGRAM";
  qrcodeExtIdpConnId?: string;
  adExtIdpConnId?: string;
  ldapExtIdpConnId?: string;
};

export type CreateApplicationBodyLoginConfig = {
  mergeLoginAndRegisterPage?: boolean;
  enabledBasicLoginMethods?: Array<"PHONE_CODE" | "EMAIL_CODE" | "PHONE_PASSWORD" | "EMAIL_PASSWORD" | "USERNAME_PASSWORD" | "SELF_BUILT_APP_QRCODE" | "PASSKEY">;
  defaultLoginMethod?: CreateApplicationBodyLoginConfigDefaultLoginMethod;
  enabledExtIdpConnIds?: Array<{
    extIdpConnId: string;
  }>;
  enabledAllExtIdpConns?: boolean;
  showAuthorizationPage?: boolean;
  frameAncestors?: Array<string>;
};

export type CreateApplicationBodyRegisterConfigCompleteProfileFieldsItem = {
  type: "udf" | "user";
  key: string;
  required?: boolean;
  inputType?: "text" | "password" | "number" | "date" | "color" | "email" | "select" | "checkbox";
};

export type CreateApplicationBodyRegisterConfigCompleteProfile = {
  enabled: boolean;
  when?: Array<"register" | "login">;
  fields: Array<CreateApplicationBodyRegisterConfigCompleteProfileFieldsItem>;
};

export type CreateApplicationBodyRegisterConfig = {
  enabledBasicRegisterMethods?: Array<"PHONE_CODE" | "EMAIL_CODE" | "EMAIL_PASSWORD">;
  defaultRegisterMethod?: "PASSCODE" | "PASSWORD";
  completeProfile?: CreateApplicationBodyRegisterConfigCompleteProfile;
};

export type CreateApplicationBodyBrandingConfigAgreementsItem = {
  displayAt: Array<"LoginPage" | "RegisterPage">;
  isRequired: boolean;
  lang: "zh-CN" | "en-US" | "zh-TW" | "ja-JP";
  content: string;
};

export type CreateApplicationBodyBrandingConfig = {
  customCSSEnabled?: boolean;
  customCSS?: string;
  guardVersion?: "Advanced" | "Classical";
  customLoadingImage?: string;
  customBackground?: string;
  showChangeLanguageButton?: boolean;
  defaultLanguage?: "zh-CN" | "en-US" | "zh-TW" | "ja-JP";
  showForgetPasswordButton?: boolean;
  showEnterpriseConnections?: boolean;
  showSocialConnections?: boolean;
  showAgreement?: boolean;
  agreements?: Array<CreateApplicationBodyBrandingConfigAgreementsItem>;
  primaryColor?: string;
  favicon?: string;
};

export type CreateApplicationData = {
  appId: string;
  appIdentifier: string;
  appName: string;
  appType: string;
  userPoolId: string;
  [key: string]: unknown;
};

export type CreateDepartmentData = {
  organizationCode: string;
  departmentId: string;
  name: string;
  parentDepartmentId: string;
  membersCount: number;
  hasChildren: boolean;
  leaderUserIds: Array<string>;
  [key: string]: unknown;
};

export type CreateGroupBodyRuleConditionsItem = {
  field: string;
  operator: string;
  value: string | Array<string>;
};

export type CreateGroupBodyRule = {
  match?: "all" | "any";
  conditions: Array<CreateGroupBodyRuleConditionsItem>;
};

export type CreateGroupBody = {
  type?: string;
  description?: string;
  name: string;
  code: string;
  customData?: {
    [key: string]: unknown;
  };
  rule?: CreateGroupBodyRule;
};

export type CreateGroupData = {
  id: string;
  code: string;
  name: string;
  type: string;
  [key: string]: unknown;
};

export type CreateOrganizationData = {
  organizationCode: string;
  organizationName: string;
  departmentId: string;
  [key: string]: unknown;
};

export type CreateResourceBodyActionsItem = {
  name: string;
  description?: string;
};

export type CreateResourceData = {
  code: string;
  type: string;
  namespace: string;
  [key: string]: unknown;
};

export type CreateRoleData = {
  id: string;
  code: string;
  name: string;
  description: string;
  namespace: string;
  namespaceName: string;
  status: string;
  [key: string]: unknown;
};

export type CreateUserBodyOtp = {
  secret: string;
  recoveryCode?: string;
};

export type CreateUserBodyOptionsSendNotification = {
  sendEmailNotification?: boolean;
  sendPhoneNotification?: boolean;
  appId?: string;
};

export type CreateUserBodyOptions = {
  keepPassword?: boolean;
  autoGeneratePassword?: boolean;
  resetPasswordOnFirstLogin?: boolean;
  departmentIdType?: "department_id" | "open_department_id" | "sync_relation" | "custom_field" | "code";
  sendNotification?: CreateUserBodyOptionsSendNotification;
  passwordEncryptType?: "none" | "rsa" | "sm2";
};

export type CreateUserData = {
  userId: string;
  [key: string]: unknown;
};

export type CreateWebhookBodyRetryConfig = {
  enabled: boolean;
  count?: number;
  delay?: number;
  delayUnit?: "Second" | "Minute" | "Hour" | "Day";
};

export type CreateWebhookData = {
  webhookId: string;
  createdAt: string;
  updatedAt: string;
  name: string;
  url: string;
  contentType: string;
  enabled: boolean;
  events: Array<string>;
  retryConfig: {
    [key: string]: unknown;
  };
  legacyTokenHeader: boolean;
  secret?: string;
  [key: string]: unknown;
};

export type DeleteExtIdpBody = {
  id: string;
  tenantId?: string;
};

export type GetAllDepartmentsData = {
  totalCount: number;
  list: Array<CreateDepartmentData>;
  [key: string]: unknown;
};

export type GetAuthorizedResourcesDataListItem = {
  resourceCode: string;
  resourceType: string;
  actions: Array<string>;
  apiIdentifier: string;
  effect: string;
  [key: string]: unknown;
};

export type GetAuthorizedResourcesData = {
  totalCount: number;
  list: Array<GetAuthorizedResourcesDataListItem>;
  [key: string]: unknown;
};

export type GetGroupAuthorizedResourcesQuery = {
  code?: string;
  namespace?: string;
  resourceType?: "DATA" | "API" | "MENU" | "BUTTON" | "UI";
};

export type GetMfaStatusQuery = {
  userId?: string;
  userIdType?: "user_id" | "external_id" | "phone" | "email" | "username" | "identity" | "sync_relation" | "custom_field";
};

export type GetParentDepartmentQuery = {
  organizationCode?: string;
  departmentId?: string;
  departmentIdType?: "department_id" | "open_department_id" | "sync_relation" | "custom_field" | "code";
  withCustomData?: boolean;
  tenantId?: string;
};

export type GetResourceQuery = {
  code?: string;
  namespace?: string;
};

export type GetUserGroupsData = {
  totalCount: number;
  list: Array<CreateGroupData>;
  [key: string]: unknown;
};

export type GetUserRolesData = {
  totalCount: number;
  list: Array<CreateRoleData>;
  [key: string]: unknown;
};

export type ListCommonResourceData = {
  totalCount: number;
  list: Array<CreateResourceData>;
  [key: string]: unknown;
};

export type ListDepartmentMembersData = {
  totalCount: number;
  list: Array<CreateUserData>;
  [key: string]: unknown;
};

export type ListOrganizationsData = {
  totalCount: number;
  list: Array<CreateOrganizationData>;
  [key: string]: unknown;
};

export type ListUsersBodyOptionsPagination = {
  page?: number;
  limit?: number;
};

export type MfaVerifyBodyProfile = {
  phoneNumber?: string;
  phoneCountryCode?: string;
  email?: string;
};

export type SetCustomFieldsBodyListItemI18nLabelZhCN = {
  enabled?: boolean;
  value: string;
};

export interface GetOperations {
  /** QR code status (PENDING, SCANNED, AUTHORIZED, CANCELLED, EXPIRED) */
  "check-qrcode-status": {
    query: {
      qrcodeId?: string;
    };
    data: unknown;
  };
  /** The audit log of the pool, filtered by actor, event and time (newest first) */
  "console/audit-logs": {
    query: {
      actor?: string;
      type?: string;
      from?: string;
      to?: string;
      page?: number;
      limit?: number;
    };
    data: unknown;
  };
  /** The filtered audit log as CSV (RFC 4180; at most 10,000 rows) */
  "console/audit-logs/export": {
    query: {
      actor?: string;
      type?: string;
      from?: string;
      to?: string;
    };
    data: unknown;
  };
  /** Connectors of a kind with their config schemas (for generated forms) */
  "console/connectors": {
    query: {
      kind?: "sms" | "email" | "social" | "directory";
    };
    data: unknown;
  };
  /** Console administrators with their roles (owners only) */
  "console/list-administrators": {
    query: Record<string, never>;
    data: unknown;
  };
  /** The signed-in administrator and the user pools they may see */
  "console/me": {
    query: Record<string, never>;
    data: unknown;
  };
  /** Successful and failed sign-ins per UTC day (from the audit log) */
  "console/sign-ins-per-day": {
    query: {
      days?: number;
    };
    data: unknown;
  };
  /** The hosted link confirmation URL for the signed-in user (generateLinkExtIdpUrl) */
  "generate-link-extidp-url": {
    query: {
      ext_idp_conn_identifier?: string;
      app_id?: string;
      id_token?: string;
      need_url_redirect?: unknown;
      only_redirect_token?: unknown;
      need_form_post?: unknown;
      target_url?: unknown;
    };
    data: unknown;
  };
  /** Get one access key (never its secret) */
  "get-access-key": {
    query: {
      accessKeyId?: string;
      userId?: string;
    };
    data: Array<CreateAccessKeyDataItem> | null;
  };
  /** The signed authInfo a native app starts the Alipay SDK with (getAlipayAuthInfo) */
  "get-alipay-authinfo": {
    query: {
      extIdpConnidentifier?: string;
    };
    data: unknown;
  };
  /** Every department below one (the whole organisation below root), shallowest first */
  "get-all-departments": {
    query: {
      organizationCode?: string;
      departmentId?: string;
      departmentIdType?: "department_id" | "open_department_id" | "sync_relation" | "custom_field" | "code";
      page?: number;
      limit?: number;
      withCustomData?: boolean;
    };
    data: GetAllDepartmentsData | null;
  };
  /** Every group (at most 1000; members at most 100 each with fetchMembers) */
  "get-all-groups": {
    query: {
      fetchMembers?: boolean;
      withCustomData?: boolean;
    };
    data: Array<CreateGroupData> | null;
  };
  /** Get an application */
  "get-application": {
    query: {
      appId?: string;
    };
    data: CreateApplicationData | null;
  };
  /** The application's enabled identity-provider connections (getApplicationEnabledExtIdps) */
  "get-application-enabled-extidps": {
    query: Record<string, never>;
    data: unknown;
  };
  /** Gatehouse: the MFA settings of an application */
  "get-application-mfa-settings": {
    query: {
      appId?: string;
    };
    data: unknown;
  };
  /** Read an application's client secret */
  "get-application-secret": {
    query: {
      appId?: string;
    };
    data: {
      secret: string;
      [key: string]: unknown;
    } | null;
  };
  /** Password policy, brute-force limits and registration switches of the pool (Gatehouse extension) */
  "get-authentication-settings": {
    query: Record<string, never>;
    data: unknown;
  };
  /** What was granted directly to a user, role, group or department */
  "get-authorized-resources": {
    query: {
      targetType?: "USER" | "ROLE" | "GROUP" | "DEPARTMENT";
      targetIdentifier?: string;
      namespace?: string;
      resourceType?: "DATA" | "API" | "MENU" | "BUTTON" | "UI";
      resourceList?: Array<string>;
      withDenied?: boolean;
    };
    data: GetAuthorizedResourcesData | null;
  };
  /** Graphic captcha and its token (valid 5 minutes, single use) */
  "get-captcha-code": {
    query: Record<string, never>;
    data: unknown;
  };
  /** A user's, role's … custom data */
  "get-custom-data": {
    query: {
      targetType?: "USER" | "ROLE" | "GROUP" | "DEPARTMENT";
      targetIdentifier?: string;
      tenantId?: string;
      namespace?: string;
    };
    data: {
      [key: string]: unknown;
    } | null;
  };
  /** The pool custom database (lazy migration) settings */
  "get-custom-database": {
    query: Record<string, never>;
    data: unknown;
  };
  /** The custom fields of a target type */
  "get-custom-fields": {
    query: {
      targetType?: "USER" | "ROLE" | "GROUP" | "DEPARTMENT";
      tenantId?: string;
    };
    data: Array<{
      [key: string]: unknown;
    }> | null;
  };
  /** A department */
  "get-department": {
    query: {
      organizationCode?: string;
      departmentId?: string;
      departmentCode?: string;
      departmentIdType?: "department_id" | "open_department_id" | "sync_relation" | "custom_field" | "code";
      withCustomData?: boolean;
      flatCustomData?: boolean;
      tenantId?: string;
    };
    data: CreateDepartmentData | null;
  };
  /** A department by its id alone */
  "get-department-by-id": {
    query: {
      departmentId?: string;
      withCustomData?: boolean;
      tenantId?: string;
    };
    data: CreateDepartmentData | null;
  };
  /** The email provider of the pool (secrets left out) */
  "get-email-provider": {
    query: Record<string, never>;
    data: unknown;
  };
  /** An identity source with its connections (secret fields masked) */
  "get-ext-idp": {
    query: {
      id?: string;
      tenantId?: string;
      appId?: string;
      type?: string;
    };
    data: unknown;
  };
  /** One of the user's factors */
  "get-factor": {
    query: {
      factorId?: string;
    };
    data: unknown;
  };
  /** The pool's MFA settings (apply to every application) */
  "get-global-mfa-settings": {
    query: Record<string, never>;
    data: unknown;
  };
  /** A group */
  "get-group": {
    query: {
      code?: string;
      withCustomData?: boolean;
    };
    data: CreateGroupData | null;
  };
  /** What was granted to a group */
  "get-group-authorized-resources": {
    query: GetGroupAuthorizedResourcesQuery;
    data: Array<GetAuthorizedResourcesDataListItem> | null;
  };
  /** The signed-in user's external identities (getIdentities) */
  "get-identities": {
    query: Record<string, never>;
    data: unknown;
  };
  /** One login-method instance */
  "get-login-method-instance": {
    query: {
      name?: string;
    };
    data: unknown;
  };
  /** The pool-wide login page configuration (Gatehouse) */
  "get-login-page-config": {
    query: Record<string, never>;
    data: unknown;
  };
  /** The loginTypesDir folders as they are on disk now, with each one's validation problems (Gatehouse extension) */
  "get-login-types-dir-status": {
    query: Record<string, never>;
    data: {
      configured: boolean;
      appliesToPool: boolean;
      dir: string | null;
      exists: boolean;
      folders: Array<{
        name: string;
        path: string;
        valid: boolean;
        loaded: boolean;
        problems: Array<{
          path: string;
          message: string;
          [key: string]: unknown;
        }>;
        [key: string]: unknown;
      }>;
      [key: string]: unknown;
    };
  };
  /** Code length and lifetime, send quotas, captcha and registration mails of the pool (Gatehouse extension) */
  "get-messaging-settings": {
    query: Record<string, never>;
    data: unknown;
  };
  /** A user's MFA trigger data as set (GetMfaInfoDataDto) */
  "get-mfa-status": {
    query: GetMfaStatusQuery;
    data: unknown;
  };
  /** What a sign-in of this user into the application demands (GetMfaInfoDataDto) */
  "get-mfa-trigger-data": {
    query: {
      appId?: string;
      userId?: string;
      userIdType?: "user_id" | "external_id" | "phone" | "email" | "username" | "identity" | "sync_relation" | "custom_field";
    };
    data: unknown;
  };
  /** The signed-in user's resources and actions (own, roles', groups', departments') */
  "get-my-authorized-resources": {
    query: {
      namespace?: string;
      resourceType?: "DATA" | "API" | "MENU" | "BUTTON" | "UI";
    };
    data: unknown;
  };
  /** The signed-in user's login history */
  "get-my-login-history": {
    query: {
      appId?: string;
      clientIp?: string;
      success?: boolean;
      start?: number;
      end?: number;
      page?: number;
      limit?: number;
    };
    data: unknown;
  };
  /** An organisation */
  "get-organization": {
    query: {
      organizationCode?: string;
      withCustomData?: boolean;
      withPost?: boolean;
      tenantId?: string;
    };
    data: CreateOrganizationData | null;
  };
  /** Organisations by code, in the order asked; unknown codes are left out */
  "get-organization-batch": {
    query: {
      organizationCodeList?: Array<string>;
      withCustomData?: boolean;
      withPost?: boolean;
      tenantId?: string;
    };
    data: Array<CreateOrganizationData> | null;
  };
  /** A user's OTP secret in the clear: refused unless the pool allows it (allowOtpExport), and audited */
  "get-otp-secret-by-user": {
    query: GetMfaStatusQuery;
    data: unknown;
  };
  /** The parent department */
  "get-parent-department": {
    query: GetParentDepartmentQuery;
    data: CreateDepartmentData | null;
  };
  /** One pipeline function */
  "get-pipeline-function": {
    query: {
      funcId?: string;
    };
    data: unknown;
  };
  /** Runs of pipeline functions, newest first */
  "get-pipeline-logs": {
    query: {
      funcId?: string;
      page?: number;
      limit?: number;
    };
    data: unknown;
  };
  /** The signed-in user */
  "get-profile": {
    query: {
      withCustomData?: boolean;
      withIdentities?: boolean;
      withDepartmentIds?: boolean;
    };
    data: unknown;
  };
  /** QR code status (PENDING, SCANNED, AUTHORIZED, CANCELLED, EXPIRED) */
  "get-qrcode-status": {
    query: {
      qrcodeId?: string;
    };
    data: unknown;
  };
  /** A resource */
  "get-resource": {
    query: GetResourceQuery;
    data: CreateResourceData | null;
  };
  /** Resources by code, in the order asked; unknown codes are left out */
  "get-resources-batch": {
    query: {
      codeList?: Array<string>;
      namespace?: string;
    };
    data: Array<CreateResourceData> | null;
  };
  /** A role */
  "get-role": {
    query: GetResourceQuery;
    data: CreateRoleData | null;
  };
  /** What was granted to a role */
  "get-role-authorized-resources": {
    query: GetGroupAuthorizedResourcesQuery;
    data: GetAuthorizedResourcesData | null;
  };
  /** The SMS provider of the pool, secrets left out (Gatehouse extension) */
  "get-sms-provider": {
    query: Record<string, never>;
    data: unknown;
  };
  /** Get a user by id, email, phone, username or externalId */
  "get-user": {
    query: {
      userId?: string;
      userIdType?: "user_id" | "external_id" | "phone" | "email" | "username" | "identity" | "sync_relation" | "custom_field";
      withCustomData?: boolean;
      flatCustomData?: boolean;
      withIdentities?: boolean;
      withDepartmentIds?: boolean;
      withPost?: boolean;
    };
    data: CreateUserData | null;
  };
  /** Everything a user may do: own, roles', groups' and departments' grants */
  "get-user-authorized-resources": {
    query: {
      userId?: string;
      userIdType?: "user_id" | "external_id" | "phone" | "email" | "username" | "identity" | "sync_relation" | "custom_field";
      namespace?: string;
      resourceType?: "DATA" | "API" | "MENU" | "BUTTON" | "UI";
    };
    data: GetAuthorizedResourcesData | null;
  };
  /** Get up to 50 users; unknown ids are left out */
  "get-user-batch": {
    query: {
      userIds?: Array<string>;
      userIdType?: "user_id" | "external_id" | "phone" | "email" | "username" | "identity" | "sync_relation" | "custom_field";
      withCustomData?: boolean;
      flatCustomData?: boolean;
      withIdentities?: boolean;
      withDepartmentIds?: boolean;
      withPost?: boolean;
    };
    data: Array<CreateUserData> | null;
  };
  /** A user's departments */
  "get-user-departments": {
    query: {
      userId?: string;
      userIdType?: "user_id" | "external_id" | "phone" | "email" | "username" | "identity" | "sync_relation" | "custom_field";
      page?: number;
      limit?: number;
      withCustomData?: boolean;
      withDepartmentPaths?: boolean;
      sortBy?: "DepartmentCreatedAt" | "JoinDepartmentAt" | "DepartmentName" | "DepartmemtCode";
      orderBy?: "Asc" | "Desc";
    };
    data: {
      totalCount: number;
      list: Array<{
        departmentId: string;
        [key: string]: unknown;
      }>;
      [key: string]: unknown;
    } | null;
  };
  /** A user's groups */
  "get-user-groups": {
    query: GetMfaStatusQuery;
    data: GetUserGroupsData | null;
  };
  /** A user's external identities */
  "get-user-identities": {
    query: GetMfaStatusQuery;
    data: unknown;
  };
  /** Applications the user is signed in to (a successful sign-in since the last forced logout), with the latest sign-in’s time, IP and device */
  "get-user-loggedin-apps": {
    query: {
      userId?: string;
      userIdType?: "user_id" | "email" | "phone" | "username" | "external_id";
    };
    data: unknown;
  };
  /** Login history of a user */
  "get-user-login-history": {
    query: {
      userId?: string;
      userIdType?: "user_id" | "email" | "phone" | "username" | "external_id";
      appId?: string;
      clientIp?: string;
      start?: number;
      end?: number;
      page?: number;
      limit?: number;
    };
    data: unknown;
  };
  /** Which factors a user has enrolled (enabled / disabled per type) */
  "get-user-mfa-info": {
    query: GetMfaStatusQuery;
    data: unknown;
  };
  /** A user's roles in a namespace */
  "get-user-roles": {
    query: {
      userId?: string;
      userIdType?: "user_id" | "external_id" | "phone" | "email" | "username" | "identity" | "sync_relation" | "custom_field";
      namespace?: string;
    };
    data: GetUserRolesData | null;
  };
  /** The user pool of the calling key */
  "get-userpool": {
    query: Record<string, never>;
    data: unknown;
  };
  /** A webhook */
  "get-webhook": {
    query: {
      webhookId?: string;
    };
    data: CreateWebhookData | null;
  };
  /** The events a webhook can subscribe to, by category (names in Chinese and English) */
  "get-webhook-event-list": {
    query: Record<string, never>;
    data: {
      [key: string]: unknown;
    } | null;
  };
  /** Whether a user is in a department (or its subtree) */
  "is-user-in-department": {
    query: {
      organizationCode?: string;
      departmentId?: string;
      departmentIdType?: "department_id" | "open_department_id" | "sync_relation" | "custom_field" | "code";
      userId?: string;
      includeChildrenDepartments?: boolean;
      tenantId?: string;
    };
    data: {
      inDepartment: boolean;
      [key: string]: unknown;
    } | null;
  };
  /** List the access keys of the user pool (never their secrets) */
  "list-access-key": {
    query: {
      userId?: string;
      tenantId?: string;
      type?: string;
      status?: "activated" | "staging" | "revoked" | Array<"activated" | "staging" | "revoked">;
      "status[]"?: "activated" | "staging" | "revoked" | Array<"activated" | "staging" | "revoked">;
    };
    data: Array<CreateAccessKeyDataItem> | null;
  };
  /** List the applications of the pool */
  "list-applications": {
    query: {
      page?: number;
      limit?: number;
      isIntegrateApp?: boolean;
      isSelfBuiltApp?: boolean;
      ssoEnabled?: boolean;
      keywords?: string;
      all?: boolean;
    };
    data: {
      list: Array<CreateApplicationData>;
      totalCount: number;
      [key: string]: unknown;
    } | null;
  };
  /** Direct sub-departments */
  "list-children-departments": {
    query: {
      organizationCode?: string;
      departmentId?: string;
      departmentIdType?: "department_id" | "open_department_id" | "sync_relation" | "custom_field" | "code";
      page?: number;
      limit?: number;
      status?: boolean;
      excludeVirtualNode?: boolean;
      onlyVirtualNode?: boolean;
      withCustomData?: boolean;
      tenantId?: string;
    };
    data: GetAllDepartmentsData | null;
  };
  /** List resources across namespaces, by keyword */
  "list-common-resource": {
    query: {
      page?: number;
      limit?: number;
      keyword?: string;
      namespaceCodeList?: string;
    };
    data: ListCommonResourceData | null;
  };
  /** Custom fields, filtered and paged */
  "list-custom-fields": {
    query: {
      targetType?: "USER" | "ROLE" | "GROUP" | "DEPARTMENT";
      dataType?: "STRING" | "NUMBER" | "DATETIME" | "BOOLEAN" | "ENUM" | "OBJECT" | "SELECT";
      tenantId?: string;
      page?: number;
      limit?: number;
      userVisible?: boolean;
      adminVisible?: boolean;
      accessControl?: boolean;
      keyword?: string;
      lang?: string;
    };
    data: {
      [key: string]: unknown;
    } | null;
  };
  /** Ids of the direct members of a department */
  "list-department-member-ids": {
    query: GetParentDepartmentQuery;
    data: Array<string> | null;
  };
  /** Members of a department (or its subtree) */
  "list-department-members": {
    query: {
      organizationCode?: string;
      departmentId?: string;
      departmentIdType?: "department_id" | "open_department_id" | "sync_relation" | "custom_field" | "code";
      page?: number;
      limit?: number;
      sortBy?: "Default" | "JoinDepartmentAt" | "userId" | "createAt" | "updatedAt";
      orderBy?: "Asc" | "Desc";
      includeChildrenDepartments?: boolean;
      withCustomData?: boolean;
      withIdentities?: boolean;
      withDepartmentIds?: boolean;
      tenantId?: string;
    };
    data: ListDepartmentMembersData | null;
  };
  /** The user's enrolled factors */
  "list-enrolled-factors": {
    query: Record<string, never>;
    data: unknown;
  };
  /** List the identity sources of the pool */
  "list-ext-idp": {
    query: {
      tenantId?: string;
      appId?: string;
    };
    data: unknown;
  };
  /** Factor types the user may still enrol (the app's enabled ones, else OTP and SMS) */
  "list-factors-to-enroll": {
    query: Record<string, never>;
    data: unknown;
  };
  /** Members of a group */
  "list-group-members": {
    query: {
      code?: string;
      page?: number;
      limit?: number;
      withCustomData?: boolean;
      withIdentities?: boolean;
      withDepartmentIds?: boolean;
      flatCustomData?: boolean;
    };
    data: ListDepartmentMembersData | null;
  };
  /** List groups */
  "list-groups": {
    query: {
      page?: number;
      limit?: number;
      keywords?: string;
      withMetadata?: boolean;
      withCustomData?: boolean;
      flatCustomData?: boolean;
    };
    data: GetUserGroupsData | null;
  };
  /** List JitAi login-method instances of the pool */
  "list-login-method-instances": {
    query: Record<string, never>;
    data: unknown;
  };
  /** Every SMS / email template in effect, per channel and language (Gatehouse extension) */
  "list-message-templates": {
    query: Record<string, never>;
    data: unknown;
  };
  /** List organisations */
  "list-organizations": {
    query: {
      page?: number;
      limit?: number;
      fetchAll?: boolean;
      withCustomData?: boolean;
      withPost?: boolean;
      status?: boolean;
      tenantId?: string;
    };
    data: ListOrganizationsData | null;
  };
  /** Names of the script environment variables */
  "list-pipeline-env": {
    query: Record<string, never>;
    data: unknown;
  };
  /** Pipeline functions, in scene order */
  "list-pipeline-functions": {
    query: {
      scene?: string;
    };
    data: unknown;
  };
  /** List the resources of a namespace */
  "list-resources": {
    query: {
      page?: number;
      limit?: number;
      namespace?: string;
      type?: "DATA" | "API" | "MENU" | "BUTTON" | "UI";
    };
    data: ListCommonResourceData | null;
  };
  /** Users holding a role */
  "list-role-members": {
    query: {
      page?: number;
      limit?: number;
      code?: string;
      namespace?: string;
      withCustomData?: boolean;
      withIdentities?: boolean;
      withDepartmentIds?: boolean;
    };
    data: ListDepartmentMembersData | null;
  };
  /** List the roles of a namespace */
  "list-roles": {
    query: {
      page?: number;
      limit?: number;
      keywords?: string;
      namespace?: string;
    };
    data: GetUserRolesData | null;
  };
  /** List user pools (root keys only) */
  "list-userpools": {
    query: Record<string, never>;
    data: unknown;
  };
  /** List users (deprecated GET form) */
  "list-users": {
    query: {
      page?: number;
      limit?: number;
      status?: "Suspended" | "Resigned" | "Activated" | "Archived" | "Deactivated";
      updatedAtStart?: number;
      updatedAtEnd?: number;
      withUserPasswordExpireTime?: boolean;
      withCustomData?: boolean;
      flatCustomData?: boolean;
      withIdentities?: boolean;
      withDepartmentIds?: boolean;
      withPost?: boolean;
    };
    data: ListDepartmentMembersData | null;
  };
  /** List the webhooks */
  "list-webhooks": {
    query: ListUsersBodyOptionsPagination;
    data: {
      totalCount: number;
      list: Array<CreateWebhookData>;
      [key: string]: unknown;
    } | null;
  };
  /** Search organisations by code or name */
  "search-organizations": {
    query: {
      page?: number;
      limit?: number;
      keywords?: string;
      withCustomData?: boolean;
      tenantId?: string;
    };
    data: ListOrganizationsData | null;
  };
  /** Public server information: RSA and SM2 public keys for password encryption */
  "system": {
    query: Record<string, never>;
    data: unknown;
  };
  /** The signed-in user's passkeys */
  "webauthn/credentials": {
    query: Record<string, never>;
    data: unknown;
  };
}

export interface PostOperations {
  /** Add users to a department (idempotent) */
  "add-department-members": {
    body: AddDepartmentMembersBody;
    data: AddDepartmentMembersData | null;
  };
  /** Add users to a STATIC group (idempotent) */
  "add-group-members": {
    body: AddGroupMembersBody;
    data: AddDepartmentMembersData | null;
  };
  /** Assign a role to users (idempotent) */
  "assign-role": {
    body: {
      targets: Array<AssignRoleBodyTargetsItem>;
      code: string;
      namespace?: string;
      endTime?: unknown;
      enableTime?: unknown;
    };
    data: AddDepartmentMembersData | null;
  };
  /** Set the actions targets have on resources (replaces the target's actions on each listed resource) */
  "authorize-resources": {
    body: {
      namespace?: string;
      list: Array<{
        targetType: "USER" | "ROLE" | "GROUP" | "DEPARTMENT";
        targetIdentifiers: Array<string>;
        resources: Array<{
          code: string;
          actions: Array<string>;
          resourceType?: "DATA" | "API" | "MENU" | "BUTTON" | "UI";
        }>;
        includeChildrenDepartments?: boolean;
      }>;
    };
    data: AddDepartmentMembersData | null;
  };
  /** Bind an email (code on CHANNEL_BIND_EMAIL) */
  "bind-email": {
    body: {
      email: string;
      passCode: string;
    };
    data: unknown;
  };
  /** Add a password to the signed-in account (which has none yet) */
  "bind-password": {
    body: BindPasswordBody;
    data: unknown;
  };
  /** Bind a phone number (code on CHANNEL_BIND_PHONE) */
  "bind-phone": {
    body: {
      phoneNumber: string;
      phoneCountryCode?: string;
      passCode: string;
    };
    data: unknown;
  };
  /** Enable or disable a connection for applications (appId and/or appIds) */
  "change-ext-idp-conn-state": {
    body: {
      id: string;
      enabled: boolean;
      appId?: string;
      appIds?: Array<string>;
      tenantId?: string;
    };
    data: unknown;
  };
  /** Mobile app: SCAN, then CONFIRM or CANCEL (signed-in user) */
  "change-qrcode-status": {
    body: ChangeQrcodeStatusBody;
    data: unknown;
  };
  /** Whether the signed-in user may do an action on each resource */
  "check-permission-string-resource": {
    body: {
      resources: Array<string>;
      action: string;
    };
    data: unknown;
  };
  /** Configure the email provider of the pool (SMTP; ali / qq / sendgrid presets) */
  "config-email-provider": {
    body: {
      type: "ali" | "qq" | "sendgrid" | "custom" | "console";
      enabled: boolean;
      smtpConfig?: {
        smtp_host: string;
        smtp_port: number;
        sender?: string;
        senderPass?: string;
        secure?: boolean;
      };
      sendGridConfig?: {
        sender: string;
        apikey?: string;
      };
      aliExmailConfig?: ConfigEmailProviderBodyAliExmailConfig;
      tencentExmailConfig?: ConfigEmailProviderBodyAliExmailConfig;
    };
    data: unknown;
  };
  /** Configure the SMS provider of the pool (Gatehouse extension) */
  "config-sms-provider": {
    body: {
      provider: string;
      enabled: boolean;
      config: {
        [key: string]: unknown;
      };
    };
    data: unknown;
  };
  /** Create a console administrator (owners only); a generated password is returned once */
  "console/create-administrator": {
    body: {
      email: string;
      password?: string;
      role: "owner" | "pool-admin" | "auditor";
      poolIds?: Array<string>;
    };
    data: unknown;
  };
  /** Remove an administrator's role (owners only; not the last owner); their console sessions stop at once */
  "console/delete-administrator": {
    body: {
      userId: string;
    };
    data: unknown;
  };
  /** Change an administrator's role and pools (owners only; the last owner stays an owner) */
  "console/update-administrator": {
    body: {
      userId: string;
      role: "owner" | "pool-admin" | "auditor";
      poolIds?: Array<string>;
    };
    data: unknown;
  };
  /** Answer the step a sign-in waits for (Gatehouse extension; the flowToken of the step's error) */
  "continue-signin": {
    body: {
      flowToken: string;
      step?: string;
      input?: {
        [key: string]: unknown;
      };
      client_id?: string;
      client_secret?: string;
    };
    data: unknown;
  };
  /** Create a management access key (the secret is returned only here) */
  "create-access-key": {
    body: {
      type: string;
      userId?: string;
      tenantId?: string;
    };
    data: Array<CreateAccessKeyDataItem> | null;
  };
  /** Create an application (OAuth/OIDC client); read its secret with get-application-secret */
  "create-application": {
    body: {
      appName: string;
      template?: unknown;
      appType?: "web" | "spa" | "native" | "api" | "mfa" | "mini-program" | "gateway-app" | "gateway-agent";
      templateData?: unknown;
      appIdentifier?: string;
      appLogo?: string;
      appDescription?: string;
      defaultProtocol?: "oidc" | "oauth" | "saml" | "cas" | "asa";
      redirectUris?: Array<string>;
      logoutRedirectUris?: Array<string>;
      initLoginUri?: string;
      ssoEnabled?: boolean;
      oidcConfig?: CreateApplicationBodyOidcConfig;
      samlProviderEnabled?: boolean;
      samlConfig?: unknown;
      oauthProviderEnabled?: boolean;
      oauthConfig?: unknown;
      casProviderEnabled?: boolean;
      casConfig?: unknown;
      loginConfig?: CreateApplicationBodyLoginConfig;
      registerConfig?: CreateApplicationBodyRegisterConfig;
      brandingConfig?: CreateApplicationBodyBrandingConfig;
    };
    data: CreateApplicationData | null;
  };
  /** Create a department under a parent (root for a top-level one) */
  "create-department": {
    body: {
      organizationCode: string;
      name: string;
      parentDepartmentId: string;
      departmentIdType?: "department_id" | "open_department_id" | "sync_relation" | "custom_field" | "code";
      isVirtualNode?: boolean;
      description?: string;
      code?: string | "";
      openDepartmentId?: string;
      i18n?: unknown;
      customData?: {
        [key: string]: unknown;
      };
      metadata?: unknown;
      tenantId?: unknown;
      postIdList?: unknown;
    };
    data: CreateDepartmentData | null;
  };
  /** Create an identity source */
  "create-ext-idp": {
    body: {
      name: string;
      type: string;
      tenantId?: string;
    };
    data: unknown;
  };
  /** Create a connection of an identity source (fields checked by the connector's schema) */
  "create-ext-idp-conn": {
    body: {
      extIdpId: string;
      type: string;
      identifier: string;
      displayName: string;
      fields: {
        [key: string]: unknown;
      };
      loginOnly?: boolean;
      logo?: string;
      tenantId?: string;
    };
    data: unknown;
  };
  /** Create a group */
  "create-group": {
    body: CreateGroupBody;
    data: CreateGroupData | null;
  };
  /** Create groups (all or none) */
  "create-groups-batch": {
    body: {
      list: Array<CreateGroupBody>;
    };
    data: Array<CreateGroupData> | null;
  };
  /** Create a login-method instance (e.json + Config.json content) */
  "create-login-method-instance": {
    body: {
      name: string;
      element: {
        [key: string]: unknown;
      };
      config: {
        [key: string]: unknown;
      };
    };
    data: unknown;
  };
  /** Create an organisation (and its root department) */
  "create-organization": {
    body: {
      organizationCode: string;
      organizationName: string;
      description?: string;
      openDepartmentId?: string;
      i18n?: unknown;
      metadata?: unknown;
      tenantId?: unknown;
      postIdList?: unknown;
    };
    data: CreateOrganizationData | null;
  };
  /** Create a pipeline function (compiled in the sandbox first) */
  "create-pipeline-function": {
    body: {
      funcName: string;
      funcDescription?: string;
      sourceCode: string;
      scene: string;
      isAsynchronous?: boolean;
      timeout?: number;
      terminateOnTimeout?: boolean;
      enabled?: boolean;
      fetchAllowList?: Array<string>;
      appIds?: Array<string> | null;
    };
    data: unknown;
  };
  /** Create a resource with its actions */
  "create-resource": {
    body: {
      code: string;
      type: "DATA" | "API" | "MENU" | "BUTTON" | "UI";
      name?: string;
      description?: string;
      actions?: Array<CreateResourceBodyActionsItem>;
      apiIdentifier?: string;
      namespace?: string;
    };
    data: CreateResourceData | null;
  };
  /** Create up to 50 resources in one namespace, all or none */
  "create-resources-batch": {
    body: {
      namespace?: string;
      list: Array<{
        code: string;
        type: "DATA" | "API" | "MENU" | "BUTTON" | "UI";
        name?: string;
        description?: string;
        actions?: Array<CreateResourceBodyActionsItem>;
        apiIdentifier?: string;
      }>;
    };
    data: AddDepartmentMembersData | null;
  };
  /** Create a role */
  "create-role": {
    body: {
      code: string;
      name?: string;
      namespace?: string;
      description?: string;
      disableTime?: unknown;
    };
    data: CreateRoleData | null;
  };
  /** Create a user */
  "create-user": {
    body: {
      status?: "Suspended" | "Resigned" | "Activated" | "Archived" | "Deactivated";
      email?: string;
      phone?: string;
      phoneCountryCode?: string;
      username?: string;
      externalId?: string;
      name?: string;
      nickname?: string;
      photo?: string;
      gender?: "M" | "F" | "U";
      emailVerified?: boolean;
      phoneVerified?: boolean;
      birthdate?: string;
      country?: string;
      province?: string;
      city?: string;
      address?: string;
      streetAddress?: string;
      postalCode?: string;
      company?: string;
      browser?: string;
      device?: string;
      givenName?: string;
      familyName?: string;
      middleName?: string;
      profile?: string;
      preferredUsername?: string;
      website?: string;
      zoneinfo?: string;
      locale?: string;
      formatted?: string;
      region?: string;
      identityNumber?: string;
      password?: string;
      customData?: {
        [key: string]: unknown;
      };
      salt?: string;
      tenantIds?: Array<string>;
      otp?: CreateUserBodyOtp;
      departmentIds?: Array<string>;
      metadataSource?: unknown;
      identities?: Array<unknown>;
      options?: CreateUserBodyOptions;
    };
    data: CreateUserData | null;
  };
  /** Create a user pool with its default app and first access key */
  "create-userpool": {
    body: {
      name: string;
      description?: string;
      userPoolId?: string;
    };
    data: unknown;
  };
  /** Create up to 50 users, all or none */
  "create-users-batch": {
    body: {
      list: Array<{
        status?: "Suspended" | "Resigned" | "Activated" | "Archived" | "Deactivated";
        email?: string;
        phone?: string;
        phoneCountryCode?: string;
        username?: string;
        externalId?: string;
        name?: string;
        nickname?: string;
        photo?: string;
        gender?: "M" | "F" | "U";
        emailVerified?: boolean;
        phoneVerified?: boolean;
        birthdate?: string;
        country?: string;
        province?: string;
        city?: string;
        address?: string;
        streetAddress?: string;
        postalCode?: string;
        company?: string;
        browser?: string;
        device?: string;
        givenName?: string;
        familyName?: string;
        middleName?: string;
        profile?: string;
        preferredUsername?: string;
        website?: string;
        zoneinfo?: string;
        locale?: string;
        formatted?: string;
        region?: string;
        identityNumber?: string;
        password?: string;
        customData?: {
          [key: string]: unknown;
        };
        salt?: string;
        tenantIds?: Array<string>;
        otp?: CreateUserBodyOtp;
        departmentIds?: Array<string>;
        metadataSource?: unknown;
        identities?: Array<unknown>;
      }>;
      options?: CreateUserBodyOptions;
    };
    data: Array<CreateUserData> | null;
  };
  /** Create a webhook */
  "create-webhook": {
    body: {
      name: string;
      url: string;
      events: Array<string>;
      contentType: "application/json" | "application/x-www-form-urlencoded";
      enabled?: boolean;
      secret?: string;
      retryConfig?: CreateWebhookBodyRetryConfig;
      legacyTokenHeader?: boolean;
    };
    data: CreateWebhookData | null;
  };
  /** Delete an access key */
  "delete-access-key": {
    body: {
      accessKeyId: string;
    };
    data: AddDepartmentMembersData | null;
  };
  /** Delete an application (not the default one) */
  "delete-application": {
    body: {
      appId: string;
    };
    data: AddDepartmentMembersData | null;
  };
  /** Delete custom fields (stored values stay until overwritten) */
  "delete-custom-fields": {
    body: {
      list: Array<{
        targetType: "USER" | "ROLE" | "GROUP" | "DEPARTMENT";
        key: string;
      }>;
      tenantId?: string;
    };
    data: AddDepartmentMembersData | null;
  };
  /** Delete a department (refused while it has sub-departments or members, unless force) */
  "delete-department": {
    body: {
      organizationCode: string;
      departmentId: string;
      departmentIdType?: "department_id" | "open_department_id" | "sync_relation" | "custom_field" | "code";
      force?: boolean;
      tenantId?: unknown;
    };
    data: AddDepartmentMembersData | null;
  };
  /** Delete an identity source, its connections and the identities they produced */
  "delete-ext-idp": {
    body: DeleteExtIdpBody;
    data: unknown;
  };
  /** Delete a connection and the identities it produced */
  "delete-ext-idp-conn": {
    body: DeleteExtIdpBody;
    data: unknown;
  };
  /** Delete groups with their memberships and permission grants (all or none) */
  "delete-groups-batch": {
    body: {
      codeList: Array<string>;
    };
    data: AddDepartmentMembersData | null;
  };
  /** Delete a login-method instance */
  "delete-login-method-instance": {
    body: {
      name: string;
    };
    data: unknown;
  };
  /** Delete an organisation with its departments and memberships */
  "delete-organization": {
    body: {
      organizationCode: string;
      tenantId?: unknown;
    };
    data: AddDepartmentMembersData | null;
  };
  /** Delete a script environment variable */
  "delete-pipeline-env": {
    body: {
      key: string;
    };
    data: unknown;
  };
  /** Delete a pipeline function and its logs */
  "delete-pipeline-function": {
    body: {
      funcId: string;
    };
    data: unknown;
  };
  /** Delete a resource and every grant on it */
  "delete-resource": {
    body: {
      code: string;
      namespace?: string;
    };
    data: AddDepartmentMembersData | null;
  };
  /** Delete resources by code or id with every grant on them, all or none */
  "delete-resources-batch": {
    body: {
      namespace?: string;
      codeList?: Array<string>;
      ids?: Array<string>;
    };
    data: AddDepartmentMembersData | null;
  };
  /** Delete roles with their assignments and permission grants (all or none) */
  "delete-roles-batch": {
    body: {
      codeList: Array<string>;
      namespace?: string;
    };
    data: AddDepartmentMembersData | null;
  };
  /** Delete up to 50 users, all or none */
  "delete-users-batch": {
    body: {
      userIds: Array<string>;
      options?: {
        userIdType?: "user_id" | "external_id" | "phone" | "email" | "username" | "identity" | "sync_relation" | "custom_field";
      };
    };
    data: AddDepartmentMembersData | null;
  };
  /** Delete webhooks (unknown ids are ignored) */
  "delete-webhook": {
    body: {
      webhookIds: Array<string>;
    };
    data: AddDepartmentMembersData | null;
  };
  /** Disable MFA factors for the whole pool */
  "disable-global-mfa-settings": {
    body: {
      disableFactors: Array<string>;
    };
    data: unknown;
  };
  /** Finish enrolling with the factor's code; the first factor answers with data.recoveryCodes (shown once) */
  "enroll-factor": {
    body: {
      factorType: string;
      enrollmentToken: string;
      enrollmentData: {
        passCode?: string;
        photo?: string;
        isExternalPhoto?: boolean;
      };
    };
    data: unknown;
  };
  /** Exchange a JitAi login code (single use, 2 minutes) for tokens */
  "exchange-login-code": {
    body: {
      loginCode: string;
      scope?: string;
      client_id?: string;
      client_secret?: string;
    };
    data: unknown;
  };
  /** Exchange a ticket for a token set (app secret or management key unless the pool allows the browser) */
  "exchange-tokenset-with-qrcode-ticket": {
    body: {
      ticket: string;
      client_id?: string;
      client_secret?: string;
      appId?: string;
    };
    data: unknown;
  };
  /** Generate a login QR code (type MOBILE_APP) */
  "gene-qrcode": {
    body: {
      type: string;
      customData?: {
        [key: string]: unknown;
      };
      context?: {
        [key: string]: unknown;
      };
      autoMergeQrCode?: boolean;
      extIdpConnId?: string;
    };
    data: unknown;
  };
  /** The delivery log of a webhook, newest first (one entry per attempt) */
  "get-webhook-logs": {
    body: {
      webhookId: string;
      page?: number;
      limit?: number;
    };
    data: {
      totalCount: number;
      list: Array<{
        [key: string]: unknown;
      }>;
      [key: string]: unknown;
    } | null;
  };
  /** Import users' existing TOTP secrets (base32); replaces their OTP factor */
  "import-otp": {
    body: {
      list: Array<{
        userId: string;
        otp: CreateUserBodyOtp;
      }>;
    };
    data: unknown;
  };
  /** Store an imported password hash (bcrypt, scrypt, pbkdf2, argon2, salted digests); upgraded at next sign-in */
  "import-user-password-hash": {
    body: {
      userId: string;
      userIdType?: "user_id" | "email" | "phone" | "username" | "external_id";
      passwordHash: string;
    };
    data: unknown;
  };
  /** Whether a user may do an action on a resource */
  "is-action-allowed": {
    body: {
      userId: string;
      action: string;
      resource: string;
      namespace?: string;
    };
    data: {
      allowed: boolean;
      [key: string]: unknown;
    } | null;
  };
  /** Whether a user holds any of the given identifiers */
  "is-user-exists": {
    body: {
      username?: string;
      email?: string;
      phone?: string;
      externalId?: string;
    };
    data: {
      exists: boolean;
      [key: string]: unknown;
    } | null;
  };
  /** Force-logout: revoke every session and refresh token of a user */
  "kick-users": {
    body: {
      userId: string;
      appIds: Array<string>;
      options?: {
        userIdType?: "user_id" | "email" | "phone" | "username" | "external_id";
      };
    };
    data: unknown;
  };
  /** Link an external account (its id at the source) to a user */
  "link-identity": {
    body: {
      userIdInIdp: string;
      userId: string;
      extIdpId: string;
      type?: string;
      isSocial?: boolean;
    };
    data: unknown;
  };
  /** List users: pages, keyword search, advanced filters, sorting */
  "list-users": {
    body: {
      keywords?: string;
      advancedFilter?: Array<{
        field: string;
        operator: "EQUAL" | "NOT_EQUAL" | "CONTAINS" | "NOT_CONTAINS" | "IS_NULL" | "NOT_NULL" | "IN" | "GREATER" | "LESSER" | "BETWEEN";
        value?: unknown;
      }>;
      searchQuery?: unknown;
      options?: {
        pagination?: ListUsersBodyOptionsPagination;
        sort?: Array<{
          field: "id" | "createdAt" | "updatedAt" | "email" | "username" | "externalId" | "phone" | "status" | "statusChangedAt" | "passwordLastSetAt" | "loginsCount" | "gender" | "lastLogin" | "userSourceType" | "lastMfaTime" | "passwordSecurityLevel" | "phoneCountryCode" | "lastIp";
          order: "asc" | "desc";
        }>;
        fuzzySearchOn?: Array<"id" | "phone" | "email" | "name" | "username" | "externalId" | "nickname" | "company" | "givenName" | "familyName" | "middleName" | "profile" | "preferredUsername" | "website" | "address" | "formatted" | "streetAddress" | "postalCode" | "identityNumber">;
        withCustomData?: boolean;
        flatCustomData?: boolean;
        withIdentities?: boolean;
        withDepartmentIds?: boolean;
        withPost?: boolean;
      };
    };
    data: ListDepartmentMembersData | null;
  };
  /** Step-up: check a TOTP code of the signed-in user (each code once; wrong codes count towards the lock) */
  "mfa-totp-verify": {
    body: {
      totp: string;
    };
    data: unknown;
  };
  /** Answer a sign-in's MFA challenge (1635/1636) with its mfaToken; answers with the sign-in's tokens */
  "mfa/verify": {
    body: {
      mfaToken: string;
      factorType?: "OTP" | "SMS" | "EMAIL" | "WEBAUTHN" | "RECOVERY_CODE";
      passCode?: string;
      recoveryCode?: string;
      assertion?: {
        [key: string]: unknown;
      };
      action?: "send" | "webauthn-options" | "enroll" | "enroll-verify";
      profile?: MfaVerifyBodyProfile;
      enrollmentToken?: string;
      acknowledge?: boolean;
      captcha?: {
        token: string;
        code: string;
      };
      client_id?: string;
      client_secret?: string;
    };
    data: unknown;
  };
  /** The login page configuration with unsaved branding, for a live preview (Gatehouse; nothing is stored) */
  "preview-login-page": {
    body: {
      appId: string;
      level: "application" | "pool";
      brandingConfig?: CreateApplicationBodyBrandingConfig;
      logo?: string;
    };
    data: unknown;
  };
  /** Gatehouse: send a finished delivery once more (same webhook-id) */
  "redeliver-webhook": {
    body: {
      webhookId: string;
      deliveryId: string;
    };
    data: {
      [key: string]: unknown;
    } | null;
  };
  /** Mark every password hash of the pool for replacement at its next sign-in (JitAi refreshDbPassword) */
  "refresh-password-hashes": {
    body: Record<string, never>;
    data: unknown;
  };
  /** Remove users from a department */
  "remove-department-members": {
    body: AddDepartmentMembersBody;
    data: AddDepartmentMembersData | null;
  };
  /** Remove users from a STATIC group */
  "remove-group-members": {
    body: AddGroupMembersBody;
    data: AddDepartmentMembersData | null;
  };
  /** Remove one of the user's factors */
  "reset-factor": {
    body: {
      factorId: string;
    };
    data: unknown;
  };
  /** Back to the shipped template (Gatehouse extension) */
  "reset-message-template": {
    body: {
      kind: "sms" | "email";
      channel: "CHANNEL_LOGIN" | "CHANNEL_REGISTER" | "CHANNEL_RESET_PASSWORD" | "CHANNEL_BIND_PHONE" | "CHANNEL_UNBIND_PHONE" | "CHANNEL_BIND_MFA" | "CHANNEL_VERIFY_MFA" | "CHANNEL_UNBIND_MFA" | "CHANNEL_COMPLETE_PHONE" | "CHANNEL_IDENTITY_VERIFICATION" | "CHANNEL_DELETE_ACCOUNT" | "CHANNEL_VERIFY_EMAIL_LINK" | "CHANNEL_UPDATE_EMAIL" | "CHANNEL_BIND_EMAIL" | "CHANNEL_UNBIND_EMAIL" | "CHANNEL_UNLOCK_ACCOUNT" | "CHANNEL_COMPLETE_EMAIL" | "WELCOME" | "VERIFY_EMAIL";
      lang: "en" | "zh-CN";
    };
    data: unknown;
  };
  /** Set a new password with a reset token (single use); ends every session of the user */
  "reset-password": {
    body: {
      password: string;
      passwordResetToken: string;
      passwordEncryptType?: "none" | "rsa" | "sm2";
    };
    data: unknown;
  };
  /** Gatehouse: remove every factor, passkey and recovery code of a user and revoke the user's sessions (audited) */
  "reset-user-mfa": {
    body: {
      userId: string;
      userIdType?: "user_id" | "external_id" | "phone" | "email" | "username" | "identity" | "sync_relation" | "custom_field";
    };
    data: unknown;
  };
  /** Compile a function again (vendor: re-upload a failed cloud function) */
  "reupload-pipeline-function": {
    body: {
      funcId: string;
    };
    data: unknown;
  };
  /** Revoke a role from users */
  "revoke-role": {
    body: {
      targets: Array<AssignRoleBodyTargetsItem>;
      code: string;
      namespace?: string;
    };
    data: AddDepartmentMembersData | null;
  };
  /** Search departments of an organisation by name or code */
  "search-departments": {
    body: {
      organizationCode: string;
      keywords: string;
      withCustomData?: boolean;
      tenantId?: unknown;
    };
    data: Array<CreateDepartmentData> | null;
  };
  /** Send an email code (same answer whether or not an account holds the address; quotas per address, IP and pool) */
  "send-email": {
    body: {
      channel: "CHANNEL_LOGIN" | "CHANNEL_REGISTER" | "CHANNEL_RESET_PASSWORD" | "CHANNEL_VERIFY_EMAIL_LINK" | "CHANNEL_UPDATE_EMAIL" | "CHANNEL_BIND_EMAIL" | "CHANNEL_UNBIND_EMAIL" | "CHANNEL_VERIFY_MFA" | "CHANNEL_UNLOCK_ACCOUNT" | "CHANNEL_COMPLETE_EMAIL" | "CHANNEL_DELETE_ACCOUNT";
      email: string;
      captchaToken?: string;
      captchaCode?: string;
    };
    data: unknown;
  };
  /** Start enrolling a factor: an enrollmentToken valid one minute (and, for OTP, the secret as otpauth URI and QR image) */
  "send-enroll-factor-request": {
    body: {
      factorType: string;
      profile?: MfaVerifyBodyProfile;
    };
    data: unknown;
  };
  /** Send an SMS code (same answer whether or not an account holds the number; quotas per number, IP and pool) */
  "send-sms": {
    body: {
      channel: "CHANNEL_LOGIN" | "CHANNEL_REGISTER" | "CHANNEL_RESET_PASSWORD" | "CHANNEL_BIND_PHONE" | "CHANNEL_UNBIND_PHONE" | "CHANNEL_BIND_MFA" | "CHANNEL_VERIFY_MFA" | "CHANNEL_UNBIND_MFA" | "CHANNEL_COMPLETE_PHONE" | "CHANNEL_IDENTITY_VERIFICATION" | "CHANNEL_DELETE_ACCOUNT";
      phoneNumber: string;
      phoneCountryCode?: string;
      captchaToken?: string;
      captchaCode?: string;
    };
    data: unknown;
  };
  /** Send a template with sample values (code 123456) to a phone or address, through the provider in effect (Gatehouse extension) */
  "send-test-message": {
    body: {
      kind: "sms" | "email";
      channel: "CHANNEL_LOGIN" | "CHANNEL_REGISTER" | "CHANNEL_RESET_PASSWORD" | "CHANNEL_BIND_PHONE" | "CHANNEL_UNBIND_PHONE" | "CHANNEL_BIND_MFA" | "CHANNEL_VERIFY_MFA" | "CHANNEL_UNBIND_MFA" | "CHANNEL_COMPLETE_PHONE" | "CHANNEL_IDENTITY_VERIFICATION" | "CHANNEL_DELETE_ACCOUNT" | "CHANNEL_VERIFY_EMAIL_LINK" | "CHANNEL_UPDATE_EMAIL" | "CHANNEL_BIND_EMAIL" | "CHANNEL_UNBIND_EMAIL" | "CHANNEL_UNLOCK_ACCOUNT" | "CHANNEL_COMPLETE_EMAIL" | "WELCOME" | "VERIFY_EMAIL";
      lang: "en" | "zh-CN";
      to: string;
    };
    data: unknown;
  };
  /** Set a user's, role's … custom data (checked against the fields) */
  "set-custom-data": {
    body: {
      list: Array<{
        key: string;
        value: unknown;
        tenantId?: string;
      }>;
      targetIdentifier: string;
      targetType: "USER" | "ROLE" | "GROUP" | "DEPARTMENT";
      tenantId?: string;
      namespace?: string;
    };
    data: AddDepartmentMembersData | null;
  };
  /** Set the pool custom database: a login(account, password) script and the env variable with the database URL */
  "set-custom-database": {
    body: {
      enabled: boolean;
      mode?: string;
      loginScript: string;
      dbUrlEnv: string;
      timeout?: number;
    };
    data: unknown;
  };
  /** Create or change custom fields (key and data type are fixed once set) */
  "set-custom-fields": {
    body: {
      list: Array<{
        targetType: "USER" | "ROLE" | "GROUP" | "DEPARTMENT";
        key: string;
        dataType?: "STRING" | "NUMBER" | "DATETIME" | "BOOLEAN" | "ENUM" | "OBJECT";
        label?: string;
        description?: string;
        encrypted?: boolean;
        isUnique?: boolean;
        userEditable?: boolean;
        visibleInAdminConsole?: boolean;
        visibleInUserCenter?: boolean;
        validateRules?: {
          minLength?: number;
          maxLength?: number;
          min?: number;
          max?: number;
          required?: boolean;
        };
        appIds?: Array<string>;
        desensitization?: boolean;
        options?: Array<{
          value: string;
          label: string;
        }>;
        i18n?: {
          label?: {
            "zh-CN"?: SetCustomFieldsBodyListItemI18nLabelZhCN;
            "en-US"?: SetCustomFieldsBodyListItemI18nLabelZhCN;
            "zh-TW"?: SetCustomFieldsBodyListItemI18nLabelZhCN;
            "ja-JP"?: SetCustomFieldsBodyListItemI18nLabelZhCN;
          };
        };
      }>;
      tenantId?: string;
    };
    data: Array<{
      [key: string]: unknown;
    }> | null;
  };
  /** Set a user's MFA trigger data: factors demanded of this user on top of the pool's and the app's policy */
  "set-mfa-status": {
    body: {
      userId: string;
      userIdType?: "user_id" | "external_id" | "phone" | "email" | "username" | "identity" | "sync_relation" | "custom_field";
      mfaTriggerData: {
        applicationMfa: Array<{
          mfaPolicy: string;
          status: 0 | 1;
          sort: number;
        }>;
        mode?: "off" | "optional" | "required";
        mfaToken?: string;
        mfaPhone?: string;
        mfaPhoneCountryCode?: string;
        mfaEmail?: string;
        nickname?: string;
        username?: string;
        phone?: string;
        phoneCountryCode?: string;
        faceMfaEnabled?: boolean;
        totpMfaEnabled?: boolean;
      };
    };
    data: unknown;
  };
  /** Set a script environment variable (sealed at rest, never returned) */
  "set-pipeline-env": {
    body: {
      key: string;
      value: string;
    };
    data: unknown;
  };
  /** Same as change-qrcode-status, IsSuccess response */
  "set-qrcode-status": {
    body: ChangeQrcodeStatusBody;
    data: unknown;
  };
  /** Replace a user's departments (leader and main department flags included) */
  "set-user-departments": {
    body: {
      userId: string;
      userIdType?: "user_id" | "external_id" | "phone" | "email" | "username" | "identity" | "sync_relation" | "custom_field";
      departments: Array<{
        departmentId: string;
        isLeader?: boolean;
        isMainDepartment?: boolean;
      }>;
      options?: {
        userIdType?: "user_id" | "external_id" | "phone" | "email" | "username" | "identity" | "sync_relation" | "custom_field";
      };
    };
    data: AddDepartmentMembersData | null;
  };
  /** Sign in (signInByCredentials); the connection names the login method (PASSWORD, PASSCODE …) */
  "signin": {
    body: {
      connection: string;
      passwordPayload?: {
        [key: string]: unknown;
      };
      passCodePayload?: {
        [key: string]: unknown;
      };
      adPayload?: {
        [key: string]: unknown;
      };
      ldapPayload?: {
        [key: string]: unknown;
      };
      options?: {
        scope?: string;
        clientIp?: string;
        context?: {
          [key: string]: unknown;
        };
        tenantId?: string;
        customData?: {
          [key: string]: unknown;
        };
        autoRegister?: boolean;
        captchaCode?: string;
        captchaToken?: string;
        passwordEncryptType?: "none" | "rsa" | "sm2";
      };
      client_id?: string;
      client_secret?: string;
    };
    data: unknown;
  };
  /** Sign in with a provider payload a native app holds (signInByMobile) */
  "signin-by-mobile": {
    body: {
      extIdpConnidentifier: string;
      connection: string;
      options?: {
        scope?: string;
        context?: {
          [key: string]: unknown;
        };
        tenantId?: string;
        clientIp?: string;
      };
      client_id?: string;
      client_secret?: string;
      [key: string]: unknown;
    };
    data: unknown;
  };
  /** Register (signUp); connection PASSWORD or PASSCODE */
  "signup": {
    body: {
      connection: string;
      passwordPayload?: {
        password: string;
        email?: string;
        username?: string;
      };
      passCodePayload?: {
        [key: string]: unknown;
      };
      profile?: {
        nickname?: string;
        company?: string;
        photo?: string;
        device?: string;
        browser?: string;
        name?: string;
        givenName?: string;
        familyName?: string;
        middleName?: string;
        profile?: string;
        preferredUsername?: string;
        website?: string;
        gender?: "M" | "F" | "U";
        birthdate?: string;
        zoneinfo?: string;
        locale?: string;
        address?: string;
        formatted?: string;
        streetAddress?: string;
        region?: string;
        postalCode?: string;
        country?: string;
        customData?: {
          [key: string]: unknown;
        };
      };
      options?: {
        clientIp?: string;
        context?: {
          [key: string]: unknown;
        };
        passwordEncryptType?: "none" | "rsa" | "sm2";
        phonePassCodeForInformationCompletion?: string;
        emailPassCodeForInformationCompletion?: string;
        passwordForPhonePassCode?: string;
      };
    };
    data: unknown;
  };
  /** Test a directory connection (Gatehouse extension): connect → TLS → bind as the service account → search the base DN; says which step failed */
  "test-ext-idp-conn": {
    body: {
      id?: string;
      type?: "ldap" | "ad";
      fields?: {
        [key: string]: unknown;
      };
    };
    data: {
      success: boolean;
      step: "connect" | "tls" | "bind" | "search";
      message: string;
      [key: string]: unknown;
    };
  };
  /** Run a function (stored or draft) once with a sample user and context; nothing is written */
  "test-pipeline-function": {
    body: {
      funcId?: string;
      sourceCode?: string;
      scene?: string;
      timeout?: number;
      fetchAllowList?: Array<string>;
      user?: unknown;
      context?: unknown;
    };
    data: unknown;
  };
  /** Send a signed test delivery now and answer with the response */
  "trigger-webhook": {
    body: {
      webhookId: string;
      requestHeaders?: unknown;
      requestBody?: unknown;
    };
    data: {
      [key: string]: unknown;
    } | null;
  };
  /** Unbind the email (code on CHANNEL_UNBIND_EMAIL) */
  "unbind-email": {
    body: {
      passCode: string;
    };
    data: unknown;
  };
  /** Remove the password of the signed-in account (needs the current password and a verified email or phone) */
  "unbind-password": {
    body: BindPasswordBody;
    data: unknown;
  };
  /** Unbind the phone number (code on CHANNEL_UNBIND_PHONE) */
  "unbind-phone": {
    body: {
      passCode: string;
    };
    data: unknown;
  };
  /** Unlink one of the signed-in user's identity sources (unlinkExtIdp) */
  "unlink-extidp": {
    body: {
      extIdpId: string;
    };
    data: unknown;
  };
  /** Remove a user's identities from a source */
  "unlink-identity": {
    body: {
      userId: string;
      extIdpId: string;
      type?: string;
      isSocial?: boolean;
    };
    data: unknown;
  };
  /** Clear the failed-attempt counter and temporary lock of a user */
  "unlock-user": {
    body: {
      userId: string;
      userIdType?: "user_id" | "email" | "phone" | "username" | "external_id";
    };
    data: unknown;
  };
  /** Enable or disable an access key */
  "update-access-key": {
    body: {
      accessKeyId: string;
      enable: boolean;
    };
    data: AddDepartmentMembersData | null;
  };
  /** Update an application (absent fields keep their value) */
  "update-application": {
    body: {
      appId: string;
      appName?: string;
      templateData?: unknown;
      appIdentifier?: string;
      appLogo?: string;
      appDescription?: string;
      defaultProtocol?: "oidc" | "oauth" | "saml" | "cas" | "asa";
      redirectUris?: Array<string>;
      logoutRedirectUris?: Array<string>;
      initLoginUri?: string;
      ssoEnabled?: boolean;
      oidcConfig?: CreateApplicationBodyOidcConfig;
      samlProviderEnabled?: boolean;
      samlConfig?: unknown;
      oauthProviderEnabled?: boolean;
      oauthConfig?: unknown;
      casProviderEnabled?: boolean;
      casConfig?: unknown;
      loginConfig?: CreateApplicationBodyLoginConfig;
      registerConfig?: CreateApplicationBodyRegisterConfig;
      brandingConfig?: CreateApplicationBodyBrandingConfig;
      ssoShowLaunchpad?: boolean;
      enablePermissionApply?: boolean;
    };
    data: AddDepartmentMembersData | null;
  };
  /** Enable or disable MFA factors of an application (enabling makes it optional; mode required on top) */
  "update-application-mfa-settings": {
    body: {
      appId: string;
      enabledFactors?: Array<string>;
      disabledFactors?: Array<string>;
      mode?: "off" | "optional" | "required";
      rememberDeviceDays?: number;
    };
    data: unknown;
  };
  /** Update the authentication settings (Gatehouse extension) */
  "update-authentication-settings": {
    body: {
      passwordPolicy?: {
        [key: string]: unknown;
      };
      bruteForce?: {
        [key: string]: unknown;
      };
      distinctLoginErrors?: boolean;
      registration?: {
        [key: string]: unknown;
      };
      qrcode?: {
        [key: string]: unknown;
      };
    };
    data: unknown;
  };
  /** Update a department; parentDepartmentId moves it (never under itself) */
  "update-department": {
    body: {
      organizationCode: string;
      departmentId: string;
      departmentIdType?: "department_id" | "open_department_id" | "sync_relation" | "custom_field" | "code";
      name?: string;
      parentDepartmentId?: string;
      leaderUserIds?: Array<string>;
      status?: boolean;
      description?: string;
      code?: string | "";
      openDepartmentId?: string;
      i18n?: unknown;
      customData?: {
        [key: string]: unknown;
      };
      metadata?: unknown;
      tenantId?: unknown;
      postIdList?: unknown;
    };
    data: CreateDepartmentData | null;
  };
  /** Change the email with an updateEmailToken (single use) */
  "update-email": {
    body: {
      updateEmailToken: string;
    };
    data: unknown;
  };
  /** Rename an identity source */
  "update-ext-idp": {
    body: {
      id: string;
      name: string;
      tenantId?: string;
    };
    data: unknown;
  };
  /** Change a connection (secret fields left out or masked keep their values) */
  "update-ext-idp-conn": {
    body: {
      id: string;
      displayName: string;
      fields: {
        [key: string]: unknown;
      };
      loginOnly?: boolean;
      logo?: string;
      tenantId?: string;
    };
    data: unknown;
  };
  /** Enable MFA factors for the whole pool */
  "update-global-mfa-settings": {
    body: {
      enabledFactors: Array<string>;
      mode?: "off" | "optional" | "required";
      rememberDeviceDays?: number;
      allowOtpExport?: boolean;
    };
    data: unknown;
  };
  /** Update a group */
  "update-group": {
    body: {
      code: string;
      newCode?: string;
      name?: string;
      description?: string;
      type?: string;
      customData?: {
        [key: string]: unknown;
      };
      rule?: CreateGroupBodyRule;
    };
    data: CreateGroupData | null;
  };
  /** Replace the element and/or configuration of an instance */
  "update-login-method-instance": {
    body: {
      name: string;
      element?: {
        [key: string]: unknown;
      };
      config?: {
        [key: string]: unknown;
      };
    };
    data: unknown;
  };
  /** Update the pool-wide login page configuration (inherited by every application) */
  "update-login-page-config": {
    body: {
      update: {
        tabMethodsSortConfig?: {
          loginMethodsSort?: Array<string>;
        };
        brandingConfig?: CreateApplicationBodyBrandingConfig;
        logo?: string;
        qrCodeSortConfig?: {
          [key: string]: unknown;
        };
        ssoPageCustomizationSettings?: {
          [key: string]: unknown;
        };
        passwordTabConfig?: {
          [key: string]: unknown;
        };
        verifyCodeTabConfig?: {
          [key: string]: unknown;
        };
        config?: {
          [key: string]: unknown;
        };
        enableCreateTenant?: boolean;
        createTenantScenes?: Array<string>;
        enableJoinTenant?: boolean;
        joinTenantScenes?: Array<string>;
        enableVerifyDomain?: boolean;
        enableAutoConnectTenantApp?: boolean;
        verifyDomainScenes?: Array<string>;
      };
    };
    data: unknown;
  };
  /** Override a template of the pool (Gatehouse extension) */
  "update-message-template": {
    body: {
      kind: "sms" | "email";
      channel: "CHANNEL_LOGIN" | "CHANNEL_REGISTER" | "CHANNEL_RESET_PASSWORD" | "CHANNEL_BIND_PHONE" | "CHANNEL_UNBIND_PHONE" | "CHANNEL_BIND_MFA" | "CHANNEL_VERIFY_MFA" | "CHANNEL_UNBIND_MFA" | "CHANNEL_COMPLETE_PHONE" | "CHANNEL_IDENTITY_VERIFICATION" | "CHANNEL_DELETE_ACCOUNT" | "CHANNEL_VERIFY_EMAIL_LINK" | "CHANNEL_UPDATE_EMAIL" | "CHANNEL_BIND_EMAIL" | "CHANNEL_UNBIND_EMAIL" | "CHANNEL_UNLOCK_ACCOUNT" | "CHANNEL_COMPLETE_EMAIL" | "WELCOME" | "VERIFY_EMAIL";
      lang: "en" | "zh-CN";
      subject?: string;
      text: string;
      html?: string;
    };
    data: unknown;
  };
  /** Change any of the messaging settings (Gatehouse extension) */
  "update-messaging-settings": {
    body: {
      [key: string]: unknown;
    };
    data: unknown;
  };
  /** Update an organisation */
  "update-organization": {
    body: {
      organizationCode: string;
      organizationNewCode?: string;
      organizationName?: string;
      description?: string;
      openDepartmentId?: string;
      leaderUserIds?: Array<string>;
      i18n?: unknown;
      tenantId?: unknown;
      postIdList?: unknown;
    };
    data: CreateOrganizationData | null;
  };
  /** Change the signed-in user's password */
  "update-password": {
    body: {
      newPassword: string;
      oldPassword?: string;
      passwordEncryptType?: "none" | "rsa" | "sm2";
      passwordResetToken?: string;
      revokeOtherSessions?: boolean;
    };
    data: unknown;
  };
  /** Change the phone number with an updatePhoneToken (single use) */
  "update-phone": {
    body: {
      updatePhoneToken: string;
    };
    data: unknown;
  };
  /** Change a pipeline function */
  "update-pipeline-function": {
    body: {
      funcId: string;
      funcName?: string;
      funcDescription?: string;
      sourceCode?: string;
      isAsynchronous?: boolean;
      timeout?: number;
      terminateOnTimeout?: boolean;
      enabled?: boolean;
      fetchAllowList?: Array<string>;
      appIds?: Array<string> | null;
    };
    data: unknown;
  };
  /** Order of the functions of a scene */
  "update-pipeline-order": {
    body: {
      order: Array<string>;
      scene: string;
    };
    data: unknown;
  };
  /** Update the signed-in user */
  "update-profile": {
    body: {
      name?: string;
      nickname?: string;
      photo?: string;
      externalId?: string;
      birthdate?: string;
      country?: string;
      province?: string;
      city?: string;
      address?: string;
      streetAddress?: string;
      postalCode?: string;
      gender?: "M" | "F" | "U";
      username?: string;
      company?: string;
      customData?: {
        [key: string]: unknown;
      };
      identityNumber?: string;
    };
    data: unknown;
  };
  /** Update a resource */
  "update-resource": {
    body: {
      code: string;
      type?: "DATA" | "API" | "MENU" | "BUTTON" | "UI";
      name?: string;
      description?: string;
      actions?: Array<CreateResourceBodyActionsItem>;
      apiIdentifier?: string;
      namespace?: string;
    };
    data: CreateResourceData | null;
  };
  /** Update a role (code, name, description) */
  "update-role": {
    body: {
      code: string;
      newCode?: string | "";
      name?: string;
      namespace?: string;
      description?: string;
      status?: unknown;
      disableTime?: unknown;
      enablePermissionApply?: unknown;
    };
    data: AddDepartmentMembersData | null;
  };
  /** Update a user (partial) */
  "update-user": {
    body: {
      userId: string;
      status?: "Suspended" | "Resigned" | "Activated" | "Archived" | "Deactivated";
      email?: string;
      phone?: string;
      phoneCountryCode?: string;
      username?: string;
      externalId?: string;
      name?: string;
      nickname?: string;
      photo?: string;
      gender?: "M" | "F" | "U";
      emailVerified?: boolean;
      phoneVerified?: boolean;
      birthdate?: string;
      country?: string;
      province?: string;
      city?: string;
      address?: string;
      streetAddress?: string;
      postalCode?: string;
      company?: string;
      browser?: string;
      device?: string;
      givenName?: string;
      familyName?: string;
      middleName?: string;
      profile?: string;
      preferredUsername?: string;
      website?: string;
      zoneinfo?: string;
      locale?: string;
      formatted?: string;
      region?: string;
      identityNumber?: string;
      password?: string;
      customData?: {
        [key: string]: unknown;
      };
      metadata?: unknown;
      options?: {
        userIdType?: "user_id" | "external_id" | "phone" | "email" | "username" | "identity" | "sync_relation" | "custom_field";
        resetPasswordOnFirstLogin?: boolean;
        resetPasswordOnNextLogin?: boolean;
        passwordEncryptType?: "none" | "rsa" | "sm2";
        autoGeneratePassword?: boolean;
        sendPasswordResetedNotification?: {
          sendDefaultEmailNotification?: boolean;
          sendDefaultPhoneNotification?: boolean;
          inputSendEmailNotification?: string;
          inputSendPhoneNotification?: string;
          appId?: string;
        };
      };
    };
    data: CreateUserData | null;
  };
  /** Change a webhook */
  "update-webhook": {
    body: {
      webhookId: string;
      name?: string;
      url?: string;
      events?: Array<string>;
      contentType?: "application/json" | "application/x-www-form-urlencoded";
      enabled?: boolean;
      secret?: string;
      retryConfig?: CreateWebhookBodyRetryConfig;
      legacyTokenHeader?: boolean;
    };
    data: CreateWebhookData | null;
  };
  /** Prove control of the email or phone with a passcode; returns a password reset token */
  "verify-reset-password-request": {
    body: {
      verifyMethod: "EMAIL_PASSCODE" | "PHONE_PASSCODE";
      emailPassCodePayload?: {
        email?: string;
        passCode: string;
      };
      phonePassCodePayload?: {
        phoneNumber: string;
        passCode: string;
        phoneCountryCode?: string;
      };
    };
    data: unknown;
  };
  /** Prove the new email (CHANNEL_UPDATE_EMAIL) and, if one is bound, the current one (CHANNEL_UNBIND_EMAIL); returns updateEmailToken */
  "verify-update-email-request": {
    body: {
      verifyMethod: "EMAIL_PASSCODE";
      emailPassCodePayload: {
        newEmail: string;
        newEmailPassCode: string;
        oldEmail?: string;
        oldEmailPassCode?: string;
      };
    };
    data: unknown;
  };
  /** Prove the new phone (CHANNEL_BIND_PHONE) and, if one is bound, the current one (CHANNEL_UNBIND_PHONE); returns updatePhoneToken */
  "verify-update-phone-request": {
    body: {
      verifyMethod: "PHONE_PASSCODE";
      phonePassCodePayload: {
        newPhoneNumber: string;
        newPhonePassCode: string;
        newPhoneCountryCode?: string;
        oldPhoneNumber?: string;
        oldPhonePassCode?: string;
        oldPhoneCountryCode?: string;
      };
    };
    data: unknown;
  };
  /** Sign in with the passkey assertion (through the sign-in engine); the LoginTokenRespDto */
  "webauthn/login/finalize": {
    body: {
      ticket: string;
      credential: {
        [key: string]: unknown;
      };
      options?: {
        scope?: string;
        [key: string]: unknown;
      };
    };
    data: unknown;
  };
  /** Options for a passwordless passkey sign-in: { ticket, options } */
  "webauthn/login/initialize": {
    body: Record<string, never>;
    data: unknown;
  };
  /** Options to register a passkey as a second factor (same credential store) */
  "webauthn/mfa-bind/initialize": {
    body: Record<string, never>;
    data: unknown;
  };
  /** Options for a passkey as the second factor of a waiting sign-in (its mfaToken) */
  "webauthn/mfa-verify/initialize": {
    body: {
      mfaToken: string;
    };
    data: unknown;
  };
  /** Register the passkey: { ticket, credential } from navigator.credentials.create */
  "webauthn/registration/finalize": {
    body: Record<string, never>;
    data: unknown;
  };
  /** Options to register a passkey (signed-in user): { ticket, options } */
  "webauthn/registration/initialize": {
    body: Record<string, never>;
    data: unknown;
  };
}
