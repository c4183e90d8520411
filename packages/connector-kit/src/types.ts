/**
 * Connector contract (design.md §4). A connector is a manifest plus a pure factory that
 * receives validated config and its dependencies. It parses every vendor response and maps
 * vendor failures to the closed set of ConnectorErrorCode; the server translates those to API
 * errors in exactly one place.
 */
import type { TSchema } from '@sinclair/typebox';

export type ConnectorKind = 'sms' | 'email';

export interface ConnectorManifest {
  /** Stable id used in configuration, e.g. 'aliyun-sms', 'tencent-sms', 'twilio', 'aws-sns', 'smtp', 'console'. */
  id: string;
  kind: ConnectorKind;
  name: string;
  /** TypeBox schema of the connector's config; validated before the factory runs. */
  configSchema: TSchema;
  /** Config keys that are secrets: sealed at rest, never returned by the API, never logged. */
  secretFields: string[];
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
  | 'connector.rejected'; // any other vendor refusal: not worth retrying

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
