/**
 * Table shapes shared by SQLite and PostgreSQL. To stay portable with one query layer:
 * timestamps are ISO-8601 UTC strings, booleans are 0/1 integers, JSON is text.
 */
export interface UserPoolTable {
  id: string;
  name: string;
  description: string | null;
  is_default: number;
  settings: string;
  created_at: string;
  updated_at: string;
}

export interface AccessKeyTable {
  id: string;
  pool_id: string;
  name: string | null;
  secret_enc: string;
  enabled: number;
  created_at: string;
  last_used_at: string | null;
}

export interface UserTable {
  id: string;
  pool_id: string;
  username: string | null;
  email: string | null;
  phone: string | null;
  phone_country_code: string | null;
  external_id: string | null;
  name: string | null;
  nickname: string | null;
  given_name: string | null;
  family_name: string | null;
  middle_name: string | null;
  preferred_username: string | null;
  profile: string | null;
  website: string | null;
  photo: string | null;
  gender: string;
  birthdate: string | null;
  zoneinfo: string | null;
  locale: string | null;
  address: string | null;
  street_address: string | null;
  city: string | null;
  province: string | null;
  region: string | null;
  formatted: string | null;
  postal_code: string | null;
  country: string | null;
  company: string | null;
  browser: string | null;
  device: string | null;
  identity_number: string | null;
  email_verified: number;
  phone_verified: number;
  status: string;
  blocked: number;
  logins_count: number;
  last_login: string | null;
  last_ip: string | null;
  signed_up: string | null;
  password_hash: string | null;
  password_last_set_at: string | null;
  reset_password_on_next_login: number;
  /** 1 after a "refresh all hashes" request: the next successful sign-in stores a fresh hash (0003). */
  password_refresh: number;
  custom_data: string;
  created_at: string;
  updated_at: string;
}

export interface ApplicationTable {
  id: string;
  pool_id: string;
  name: string;
  /** Vendor `appIdentifier`, unique per pool. */
  identifier: string;
  description: string | null;
  logo: string | null;
  type: string;
  is_default: number;
  secret_enc: string;
  /** HMAC-SHA256 of the secret under the master key: verification without decrypting, in constant time. */
  secret_digest: string;
  redirect_uris: string;
  logout_redirect_uris: string;
  token_endpoint_auth_method: string;
  oidc_config: string;
  login_methods: string;
  /** JSON: the vendor's loginConfig, registerConfig, brandingConfig, initLoginUri, ssoEnabled, defaultProtocol. */
  settings: string;
  created_at: string;
  updated_at: string;
}

export interface RoleTable {
  id: string;
  pool_id: string;
  namespace: string;
  code: string;
  name: string | null;
  description: string | null;
  created_at: string;
}

export interface UserRoleTable {
  pool_id: string;
  user_id: string;
  role_id: string;
  created_at: string;
}

export interface AuditEventTable {
  id: string;
  pool_id: string;
  at: string;
  type: string;
  actor: string | null;
  subject: string | null;
  ip: string | null;
  user_agent: string | null;
  result: string;
  request_id: string | null;
  data: string;
}

export interface KvTable {
  key: string;
  value: string;
  /** Epoch milliseconds. */
  expires_at: number;
}

/** OIDC signing keys per pool (migration 0002). */
export interface OidcSigningKeyTable {
  kid: string;
  pool_id: string;
  alg: string;
  status: string;
  private_jwk_enc: string;
  created_at: string;
  retired_at: string | null;
}

/** Issue #4 (migration 0003). */
export interface PoolAuthSettingsTable {
  pool_id: string;
  settings: string;
  updated_at: string;
}

export interface PoolCryptoKeyTable {
  pool_id: string;
  kind: string;
  public_key: string;
  private_key_enc: string;
  created_at: string;
}

export interface LoginEventTable {
  id: string;
  pool_id: string;
  user_id: string | null;
  app_id: string | null;
  at: string;
  ip: string | null;
  user_agent: string | null;
  method: string;
  success: number;
  code: string | null;
  request_id: string | null;
}

export interface PasswordHistoryTable {
  id: string;
  pool_id: string;
  user_id: string;
  hash: string;
  created_at: string;
}

export interface LoginMethodInstanceTable {
  pool_id: string;
  name: string;
  type: string;
  element: string;
  config: string;
  source: string;
  created_at: string;
  updated_at: string;
}

/** Issue #5 (migration 0004): outbox, per-pool providers, settings and templates. */
export interface MessageOutboxTable {
  id: string;
  pool_id: string;
  kind: string;
  channel: string;
  status: string;
  payload_enc: string;
  attempts: number;
  /** Epoch milliseconds. */
  next_attempt_at: number;
  /** Epoch milliseconds: after this the message is pointless (the code expired). */
  expires_at: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface PoolMessageProviderTable {
  pool_id: string;
  kind: string;
  provider: string;
  enabled: number;
  config_enc: string;
  updated_at: string;
}

export interface PoolMessageSettingsTable {
  pool_id: string;
  settings: string;
  updated_at: string;
}

export interface MessageTemplateTable {
  pool_id: string;
  kind: string;
  channel: string;
  lang: string;
  subject: string | null;
  text: string;
  html: string | null;
  updated_at: string;
}

/** Pool-wide login page configuration (migration 0060): JSON, see services/branding. */
export interface LoginPageConfigTable {
  pool_id: string;
  config: string;
  updated_at: string;
}

/** SAML identity provider signing keys (migration 0065). */
export interface SamlSigningKeyTable {
  kid: string;
  pool_id: string;
  status: string;
  private_key_enc: string;
  certificate: string;
  created_at: string;
  activated_at: string | null;
  retired_at: string | null;
}

/** Organisations, departments and groups (0055; docs/organizations.md). */
export interface OrganizationTable {
  id: string;
  pool_id: string;
  code: string;
  name: string;
  description: string | null;
  root_department_id: string;
  status: number;
  created_at: string;
  updated_at: string;
}

export interface DepartmentTable {
  id: string;
  pool_id: string;
  organization_id: string;
  parent_id: string | null;
  code: string | null;
  open_department_id: string | null;
  name: string;
  description: string | null;
  is_virtual: number;
  status: number;
  i18n: string | null;
  custom_data: string;
  created_at: string;
  updated_at: string;
}

/** One row per ancestor/descendant pair of the department tree, the node itself at depth 0. */
export interface DepartmentClosureTable {
  ancestor_id: string;
  descendant_id: string;
  depth: number;
}

export interface DepartmentMemberTable {
  pool_id: string;
  department_id: string;
  user_id: string;
  is_leader: number;
  is_main: number;
  joined_at: string;
}

export interface UserGroupTable {
  id: string;
  pool_id: string;
  code: string;
  name: string;
  description: string | null;
  type: string;
  rule: string | null;
  custom_data: string;
  created_at: string;
  updated_at: string;
}

/** Identity sources (migration 0020). */
export interface ExtIdpTable {
  id: string;
  pool_id: string;
  name: string;
  type: string;
  tenant_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface GroupMemberTable {
  pool_id: string;
  group_id: string;
  user_id: string;
  created_at: string;
}

/** Connections of an identity source; `fields_enc` is the sealed JSON of the connection's fields. */
export interface ExtIdpConnTable {
  id: string;
  pool_id: string;
  ext_idp_id: string;
  type: string;
  identifier: string;
  display_name: string;
  logo: string | null;
  login_only: number;
  fields_enc: string;
  created_at: string;
  updated_at: string;
}

/** A connection enabled for an application. */
export interface ExtIdpConnAppTable {
  conn_id: string;
  app_id: string;
  pool_id: string;
  created_at: string;
}

/** External identities of users, keyed by (pool, scope, id_type, subject) — never by email. */
export interface UserIdentityTable {
  id: string;
  pool_id: string;
  user_id: string;
  ext_idp_id: string;
  conn_id: string | null;
  scope: string;
  id_type: string;
  subject: string;
  provider: string;
  userinfo: string;
  origin_conn_ids: string;
  created_at: string;
  updated_at: string;
}

/** A user's enrolled second factor (0035_mfa). */
export interface MfaFactorTable {
  id: string;
  pool_id: string;
  user_id: string;
  /** OTP, SMS or EMAIL. */
  factor_type: string;
  /** JSON: { phoneNumber, phoneCountryCode } or { email }; {} for OTP. */
  profile: string;
  /** The sealed TOTP secret (base32). */
  secret_enc: string | null;
  /** The last accepted TOTP time step (each code once). */
  last_step: number | null;
  created_at: string;
}

/** Per-user MFA state (0036_mfa_user_settings). */
export interface MfaUserSettingsTable {
  pool_id: string;
  user_id: string;
  /** JSON: the user's MFA trigger data ({ applicationMfa, mode? }); null when never set. */
  trigger_data: string | null;
  /** "Remember this device" cookies issued before this are dead. */
  devices_revoked_at: string | null;
  updated_at: string;
}

export interface MfaRecoveryCodeTable {
  pool_id: string;
  user_id: string;
  /** Keyed digest (SecretBox.digest) of the normalised code. */
  code_digest: string;
  used_at: string | null;
  created_at: string;
}

/** MFA policy of a pool (`app_id` '') or an application. */
export interface MfaPolicyTable {
  pool_id: string;
  app_id: string;
  /** off | optional | required */
  mode: string;
  /** JSON array of factor types. */
  factors: string;
  allow_otp_export: number;
  remember_device_days: number;
  updated_at: string;
}

export interface WebauthnCredentialTable {
  pool_id: string;
  /** base64url credential id. */
  credential_id: string;
  user_id: string;
  /** base64url COSE public key. */
  public_key: string;
  counter: number;
  /** JSON array of transports. */
  transports: string;
  device_type: string;
  backed_up: number;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

/** Issue #17 (migration 0045): webhook subscriptions, the delivery outbox and the attempt log. */
export interface WebhookTable {
  id: string;
  pool_id: string;
  name: string;
  url: string;
  content_type: string;
  /** JSON array of event names. */
  events: string;
  enabled: number;
  secret_enc: string;
  legacy_token_header: number;
  /** JSON: the vendor's WebhookRetryConfigV3Dto. */
  retry_config: string;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveryTable {
  id: string;
  pool_id: string;
  webhook_id: string;
  event_id: string;
  event_name: string;
  subject: string;
  seq: number;
  body: string;
  /** pending (also while an attempt is in flight) | delivered | failed | cancelled */
  status: string;
  attempts: number;
  max_attempts: number;
  /** Epoch milliseconds. */
  next_attempt_at: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookAttemptTable {
  id: string;
  pool_id: string;
  webhook_id: string;
  delivery_id: string;
  event_name: string;
  attempt: number;
  request_headers: string;
  request_body: string;
  response_status: number | null;
  response_headers: string | null;
  response_body: string | null;
  duration_ms: number;
  success: number;
  error: string | null;
  at: string;
}

/** User scripts of a pool (migration 0040). JSON columns are text. */
export interface PipelineFunctionTable {
  id: string;
  pool_id: string;
  name: string;
  description: string | null;
  scene: string;
  source: string;
  version: number;
  is_async: number;
  timeout: number;
  terminate_on_timeout: number;
  enabled: number;
  position: number;
  /** JSON array of host names the script's fetch may reach. */
  fetch_allow_list: string;
  /** JSON array of app ids the function runs for; null: every app of the pool. */
  app_ids: string | null;
  /** JSON of the last run: { result, at, message }. */
  last_status: string | null;
  created_at: string;
  updated_at: string;
}

/** A pool's script environment variable; the value is sealed (SecretBox). */
export interface PipelineEnvTable {
  pool_id: string;
  name: string;
  value_enc: string;
  created_at: string;
  updated_at: string;
}

/** One run of a user script. */
/** A pool's custom database (migration 0041). */
export interface PipelineCustomDatabaseTable {
  pool_id: string;
  enabled: number;
  /** `lazy`: import on the first successful sign-in. */
  mode: string;
  login_source: string;
  /** Name of the pool env variable holding the database URL. */
  db_url_env: string;
  timeout: number;
  version: number;
  updated_at: string;
}

/** An account of a pool in "own database" mode and its user's id in the pool's store (migration 0042). */
export interface PipelineCustomDatabaseUserTable {
  pool_id: string;
  user_id: string;
  external_id: string;
  created_at: string;
}

export interface PipelineLogTable {
  id: string;
  pool_id: string;
  func_id: string;
  scene: string;
  result: string;
  duration_ms: number;
  message: string | null;
  output: string | null;
  user_id: string | null;
  created_at: string;
}

/** Custom fields (migration 0050): definitions, data of non-user targets, unique values. */
export interface CustomFieldTable {
  pool_id: string;
  /** USER | ROLE | GROUP | DEPARTMENT */
  target_type: string;
  key: string;
  /** STRING | NUMBER | DATETIME | BOOLEAN | ENUM | OBJECT */
  data_type: string;
  label: string;
  description: string | null;
  /** JSON: { label: { 'zh-CN': { enabled, value }, … } } as the vendor sends it. */
  i18n: string | null;
  encrypted: number;
  is_unique: number;
  user_editable: number;
  visible_in_admin_console: number;
  visible_in_user_center: number;
  /** JSON array of { value, label } (ENUM). */
  options: string | null;
  validate_rules: string | null;
  created_at: string;
  updated_at: string;
}

export interface CustomDataTable {
  pool_id: string;
  target_type: string;
  target_id: string;
  data: string;
  updated_at: string;
}

export interface CustomFieldUniqueValueTable {
  pool_id: string;
  target_type: string;
  key: string;
  value: string;
  target_id: string;
}

/** Resources and permission grants (0056; docs/permissions.md). */
export interface ResourceTable {
  id: string;
  pool_id: string;
  namespace: string;
  code: string;
  name: string | null;
  description: string | null;
  type: string;
  actions: string;
  api_identifier: string | null;
  created_at: string;
  updated_at: string;
}

export interface PermissionGrantTable {
  id: string;
  pool_id: string;
  resource_id: string;
  action: string;
  target_type: string;
  target_key: string;
  user_id: string | null;
  role_id: string | null;
  group_id: string | null;
  department_id: string | null;
  include_children: number;
  created_at: string;
}

export interface Database {
  user_pools: UserPoolTable;
  access_keys: AccessKeyTable;
  users: UserTable;
  applications: ApplicationTable;
  roles: RoleTable;
  user_roles: UserRoleTable;
  audit_events: AuditEventTable;
  kv: KvTable;
  oidc_signing_keys: OidcSigningKeyTable;
  pool_auth_settings: PoolAuthSettingsTable;
  pool_crypto_keys: PoolCryptoKeyTable;
  login_events: LoginEventTable;
  password_history: PasswordHistoryTable;
  login_method_instances: LoginMethodInstanceTable;
  message_outbox: MessageOutboxTable;
  pool_message_providers: PoolMessageProviderTable;
  pool_message_settings: PoolMessageSettingsTable;
  message_templates: MessageTemplateTable;
  login_page_configs: LoginPageConfigTable;
  saml_signing_keys: SamlSigningKeyTable;
  organizations: OrganizationTable;
  departments: DepartmentTable;
  department_closure: DepartmentClosureTable;
  department_members: DepartmentMemberTable;
  user_groups: UserGroupTable;
  group_members: GroupMemberTable;
  resources: ResourceTable;
  permission_grants: PermissionGrantTable;
  ext_idps: ExtIdpTable;
  ext_idp_conns: ExtIdpConnTable;
  ext_idp_conn_apps: ExtIdpConnAppTable;
  user_identities: UserIdentityTable;
  mfa_factors: MfaFactorTable;
  mfa_recovery_codes: MfaRecoveryCodeTable;
  mfa_policies: MfaPolicyTable;
  mfa_user_settings: MfaUserSettingsTable;
  webauthn_credentials: WebauthnCredentialTable;
  webhooks: WebhookTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
  pipeline_functions: PipelineFunctionTable;
  pipeline_env: PipelineEnvTable;
  pipeline_logs: PipelineLogTable;
  pipeline_custom_databases: PipelineCustomDatabaseTable;
  pipeline_custom_database_users: PipelineCustomDatabaseUserTable;
  custom_fields: CustomFieldTable;
  custom_data: CustomDataTable;
  custom_field_unique_values: CustomFieldUniqueValueTable;
  console_system: ConsoleSystemTable;
  console_administrators: ConsoleAdministratorTable;
}

/** The admin console's system pool and OIDC client (one row, id `console`). */
export interface ConsoleSystemTable {
  id: string;
  pool_id: string;
  app_id: string;
  created_at: string;
}

/** A user of the system pool with a console role; `pool_ids` is a JSON array of pool ids. */
export interface ConsoleAdministratorTable {
  user_id: string;
  pool_id: string;
  role: string;
  pool_ids: string;
  created_at: string;
  updated_at: string;
}
