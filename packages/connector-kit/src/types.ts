/**
 * Connector contract (design.md §4). A connector is a manifest plus a pure factory that
 * receives validated config and its dependencies. It parses every vendor response and maps
 * vendor failures to the closed set of ConnectorErrorCode; the server translates those to API
 * errors in exactly one place.
 */
import type { TSchema } from '@sinclair/typebox';

/**
 * sms / email: message delivery. social: an upstream identity provider reached through the
 * browser (OAuth 2.0, OIDC, SAML, the China ecosystem). directory: a user store Gatehouse binds
 * against (LDAP, Active Directory).
 */
export type ConnectorKind = 'sms' | 'email' | 'social' | 'directory';

export interface ConnectorManifest {
  /** Stable id used in configuration, e.g. 'aliyun-sms', 'tencent-sms', 'twilio', 'aws-sns', 'smtp', 'console'. */
  id: string;
  kind: ConnectorKind;
  name: string;
  /** TypeBox schema of the connector's config; validated before the factory runs. */
  configSchema: TSchema;
  /** Config keys that are secrets: sealed at rest, never returned by the API, never logged. */
  secretFields: string[];
  /**
   * Config keys that decide where the connector connects (vendor endpoint URLs). A user pool's
   * own settings may not set them — an endpoint chosen by a tenant could point into the server's
   * network — unless the value matches the pattern given here (the vendor's own hosts, e.g. a
   * regional endpoint). The server operator's settings may set them, and the operator can
   * redirect any vendor origin (GATEHOUSE_UPSTREAM_OVERRIDES).
   */
  operatorOnlyFields?: Record<string, RegExp | null>;
}

/** The closed set of connector failures. */
export type ConnectorErrorCode =
  | 'connector.invalid_config' // our config is wrong (bad credentials shape, unknown template)
  | 'connector.auth_failed' // vendor refused our credentials or signature
  | 'connector.rate_limited' // vendor throttled us
  | 'connector.invalid_recipient' // vendor says the phone/email is invalid or blocked
  | 'connector.template_error' // template/sign name not approved or variables wrong
  | 'connector.insufficient_balance'
  | 'connector.unavailable' // network error, timeout, 5xx: worth retrying
  | 'connector.rejected' // any other vendor refusal: not worth retrying
  // identity providers (kind social)
  | 'connector.access_denied' // the user refused consent at the provider (error=access_denied)
  | 'connector.invalid_grant' // the authorization code is wrong, expired or already used
  | 'connector.invalid_token' // an ID token / assertion failed validation (issuer, audience, nonce, signature, expiry)
  | 'connector.not_allowed' // the provider authenticated someone this connection does not admit (WeCom non-member, tenant not allowed)
  | 'connector.invalid_response' // the provider answered something we cannot parse
  // directories (kind directory)
  | 'connector.invalid_credentials' // wrong password or unknown account (never distinguished to the client)
  | 'connector.account_disabled'
  | 'connector.account_locked'
  | 'connector.account_expired'
  | 'connector.password_expired'
  | 'connector.password_must_change'
  | 'connector.logon_restricted' // logon hours or workstation restrictions (AD 530/531)
  | 'connector.tls_failed'; // the server certificate did not verify

export class ConnectorError extends Error {
  constructor(
    readonly code: ConnectorErrorCode,
    /** Vendor's own error code/message, for logs only (never secrets). */
    readonly vendorDetail?: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}${vendorDetail ? `: ${vendorDetail}` : ''}`, options);
    this.name = 'ConnectorError';
  }
  /** Whether the outbox should retry with backoff. */
  get retryable(): boolean {
    return this.code === 'connector.unavailable' || this.code === 'connector.rate_limited';
  }
}

/** Minimal fetch-like HTTP client injected into connectors (so tests can point them at fakes). */
export type HttpClient = (url: string, init: { method: string; headers: Record<string, string>; body?: string; timeoutMs?: number }) => Promise<{ status: number; headers: Record<string, string>; text: string }>;

export interface ConnectorLogger {
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

export interface ConnectorDeps {
  http: HttpClient;
  /**
   * A TCP connection to host:port for protocols other than HTTP (SMTP, LDAP). The server passes
   * one that refuses internal addresses and connects to the address it checked; without it the
   * connector connects by itself.
   */
  connect?: (host: string, port: number, opts?: { timeoutMs?: number }) => Promise<import('node:net').Socket>;
  logger: ConnectorLogger;
  /** Clock for signatures (tests may fix it). */
  now?: () => Date;
}

/** Purpose of a message; maps to the reference SendSMSDto/SendEmailDto `channel`. */
export type MessageChannel = string;

export interface SmsMessage {
  /** E.164 without formatting, e.g. +8613800000000 */
  phone: string;
  phoneCountryCode?: string;
  channel: MessageChannel;
  /** Template variables, e.g. { code: '123456', ttlMinutes: '5' }. */
  variables: Record<string, string>;
  /** Rendered text for connectors that send free text (Twilio, SNS, console). */
  text: string;
}

export interface EmailMessage {
  to: string;
  channel: MessageChannel;
  subject: string;
  text: string;
  html?: string;
  variables: Record<string, string>;
}

export interface SendResult {
  /** Vendor message id when it returns one. */
  messageId?: string;
}

export interface SmsConnector {
  manifest: ConnectorManifest;
  sendSms(msg: SmsMessage): Promise<SendResult>;
}

export interface EmailConnector {
  manifest: ConnectorManifest;
  sendEmail(msg: EmailMessage): Promise<SendResult>;
  close?(): Promise<void>;
}

export interface SmsConnectorFactory<C = Record<string, unknown>> {
  manifest: ConnectorManifest & { kind: 'sms' };
  create(config: C, deps: ConnectorDeps): SmsConnector;
}

export interface EmailConnectorFactory<C = Record<string, unknown>> {
  manifest: ConnectorManifest & { kind: 'email' };
  create(config: C, deps: ConnectorDeps): EmailConnector;
}

/** A small cache for connectors (vendor app access tokens, JWKS): the server's shared KV, namespaced per connection. */
export interface ConnectorCache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Atomic read-and-delete (single-use vendor values). */
  take(key: string): Promise<string | null>;
  /**
   * Atomic set-if-absent: true when the key was stored, false when it already existed
   * (Redis `SET NX PX`, SQL `INSERT … ON CONFLICT DO NOTHING`). Connectors that must see a
   * value only once (SAML assertion IDs) require it and refuse to start without it.
   */
  add?(key: string, value: string, ttlMs: number): Promise<boolean>;
}

/**
 * A user as an identity provider or a directory describes them, mapped once (docs/identity-providers.md
 * "Profile mapping"). `id` is the provider's stable, immutable subject — never an email or a
 * user-editable name — and identities are keyed by (connection, id).
 */
export interface IdentityProfile {
  /** The provider's stable subject (GitHub numeric id, OIDC sub, Entra tid:oid, WeChat unionid ?? openid, LDAP entryUUID). */
  id: string;
  /** A second stable key shared by several connections of one provider account (WeChat unionid across apps). */
  unionId?: string;
  email?: string;
  /** True only when the provider asserts the email as verified and the connector trusts that assertion. */
  emailVerified?: boolean;
  phone?: string;
  phoneVerified?: boolean;
  phoneCountryCode?: string;
  name?: string;
  nickname?: string;
  username?: string;
  picture?: string;
  givenName?: string;
  familyName?: string;
  locale?: string;
  /** The user's id in the customer's own systems (employee number …), when a connection maps one (directory `attributeMap` → externalId). */
  externalId?: string;
  /** Group DNs (directories) or group names the provider reports. */
  groups?: string[];
  /** The provider's own profile, kept on the identity (never tokens or secrets). */
  raw: Record<string, unknown>;
}

export interface SocialConnectorManifest extends ConnectorManifest {
  kind: 'social';
  /** Connection `type` values of the vendor SDK (`CreateExtIdpConnDto.type`) this connector serves, e.g. ['github'], ['wechat:pc']. */
  types: string[];
  /** The vendor's documentation for these endpoints. */
  docs: string[];
  /** Whether a verified-email assertion of this provider may be trusted for automatic linking (never for Entra, WeChat, DingTalk). */
  trustsVerifiedEmail: boolean;
  /**
   * Whether the profile's verified phone is the sign-in proof itself (carrier one-click login
   * through NetEase Yidun: the carrier vouches that the device holds the SIM, as an SMS code
   * would): an account already holding that number is this person's and is signed in. Absent or
   * false for every other provider: their phone numbers never select an account.
   */
  signsInByVerifiedPhone?: boolean;
  /**
   * How the provider returns to the callback URL: `query` (a GET with the parameters in the
   * query string, the default) or `form_post` (a cross-site POST with a form body: Apple's
   * `response_mode=form_post`, the SAML HTTP-POST binding). A `form_post` callback arrives
   * without SameSite=Lax cookies, so the server must bind the flow some other way.
   */
  responseMode?: 'query' | 'form_post';
  /**
   * Callback parameter carrying the server's `state` when it is not `state` (SAML: `RelayState`).
   */
  stateParam?: string;
}

/** What the server gives a connector to build the provider's authorization URL. */
export interface AuthorizationRequest {
  /** Single-use, browser-bound (the server checks it on return; connectors only pass it through). */
  state: string;
  /** For OIDC providers: the ID token's nonce. */
  nonce: string;
  /** RFC 7636 S256 challenge; connectors of providers without PKCE ignore it. */
  codeChallenge: string;
  /** The exact callback URL registered at the provider. */
  redirectUri: string;
  /** Hints such as `login_hint`, `prompt`, `lang`. */
  hints?: Record<string, string>;
  /** The page will be framed by the hosted login (`ChinaSocialConnectorManifest.embed`): the URL of the vendor's framed variant. */
  embedded?: boolean;
}

export interface CallbackInput {
  /** Query (or form_post body) parameters of the callback. */
  params: Record<string, string>;
  redirectUri: string;
  codeVerifier: string;
  nonce: string;
}

export interface SocialConnector {
  manifest: SocialConnectorManifest;
  authorizationUrl(req: AuthorizationRequest): Promise<string>;
  /** Exchanges the callback for the user's profile; throws ConnectorError. */
  handleCallback(input: CallbackInput): Promise<IdentityProfile>;
  /** Native apps and mini programs that already hold a code or token (`signin-by-mobile`). */
  handleMobile?(payload: Record<string, unknown>): Promise<IdentityProfile>;
  /**
   * Metadata the provider's administrator imports to register us (SAML: the SP metadata XML for
   * this connection, with `redirectUri` as the Assertion Consumer Service URL).
   */
  serviceProviderMetadata?(input: { redirectUri: string }): Promise<string>;
}

export interface SocialConnectorDeps extends ConnectorDeps {
  cache: ConnectorCache;
}

export interface SocialConnectorFactory<C = Record<string, unknown>> {
  manifest: SocialConnectorManifest;
  create(config: C, deps: SocialConnectorDeps): SocialConnector;
}

export interface DirectoryConnectorManifest extends ConnectorManifest {
  kind: 'directory';
  types: string[];
  docs: string[];
}

/** Where a directory check stopped (test connection). */
export type DirectoryStep = 'connect' | 'tls' | 'bind' | 'search';

export interface DirectoryTestResult {
  success: boolean;
  step: DirectoryStep;
  message: string;
}

export interface DirectoryConnector {
  manifest: DirectoryConnectorManifest;
  /** Search-then-bind; returns the mapped profile with `groups`; throws ConnectorError (connector.invalid_credentials …). */
  authenticate(account: string, password: string): Promise<IdentityProfile>;
  test(): Promise<DirectoryTestResult>;
  close(): Promise<void>;
}

export interface DirectoryConnectorFactory<C = Record<string, unknown>> {
  manifest: DirectoryConnectorManifest;
  create(config: C, deps: ConnectorDeps): DirectoryConnector;
}
