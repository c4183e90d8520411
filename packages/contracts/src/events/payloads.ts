import type { EventName } from './catalog.js';

/**
 * Typed payloads (the `data` of an event). The subject of an event is named by id and, for users,
 * by the identifiers a receiver needs to match its own records (vendor webhooks carry the user).
 * Events without an entry here carry a plain object. Never a password, code, token or secret.
 */
export interface UserRef {
  userId: string;
  email?: string | null;
  phone?: string | null;
  username?: string | null;
}

/** How a sign-in arrived: the end-user API, the hosted login (OIDC), SAML, CAS, a QR scan, a JitAi element. */
export type SignInProtocol = 'api' | 'oidc' | 'saml' | 'cas' | 'qrcode' | 'element' | 'social-popup';

export interface EventPayloads {
  login: UserRef & { appId: string | null; method: string; amr: string[]; protocol: SignInProtocol; connection?: string | undefined };
  'login:failed': { userId: string | null; appId: string | null; method: string; reason: string; protocol: SignInProtocol };
  register: UserRef & { appId: string | null; method: string };
  'mfa:verified': { userId: string; appId: string | null; factor: string };
  'passcode:sent': { kind: 'sms' | 'email'; channel: string };
  'mfa:failed': { userId: string; appId: string | null; factor: string; reason: string };
  'mfa:enrolled': { userId: string; factor: string };
  'mfa:reset': { userId: string; factors: string[] };
  'mfa:otp-secret-read': { userId: string };
  'mfa:status-set': { userId: string; factors: string[]; mode: string };
  kick: { userId: string; appIds?: string[] };
  'user:created': UserRef & { source: string };
  'user:updated': UserRef & { fields: string[] };
  'user:deleted': UserRef;
  'user:blocked': UserRef;
  'user:unblocked': UserRef;
  'user:password-changed': UserRef & { via: string };
  'user:email-verified': UserRef;
  'user:link-account': UserRef & { connection: string; provider: string };
  'user:unlink-account': UserRef & { connection: string; provider: string };
  'role:created': { roleId: string; code: string; namespace: string };
  'role:assigned': { code: string; namespace: string; userIds: string[] };
  'role:unassigned': { code: string; namespace: string; userIds: string[] };
  'application:created': { appId: string; name: string };
  'application:updated': { appId: string; fields: string[] };
  'application:deleted': { appId: string };
  'ext-idp:created': { extIdpId: string; connectionId?: string; type: string };
  'ext-idp:updated': { extIdpId: string; connectionId?: string; what: string; appIds?: string[] };
  'ext-idp:deleted': { extIdpId: string; connectionId?: string };
  'access-key:created': { accessKeyId: string; name: string | null };
  'access-key:updated': { accessKeyId: string; enabled: boolean };
  'access-key:deleted': { accessKeyId: string };
  'administrator:created': { userId: string; role: string; poolIds: string[] };
  'administrator:updated': { userId: string; role: string; poolIds: string[] };
  'administrator:deleted': { userId: string };
  'token:issued': { clientId: string | null; grantType: string; amr?: string[]; scope?: string };
  'client-auth:failed': { clientId: string | null; endpoint: string };
  'pipeline:created': { funcId: string; funcName: string; scene: string };
  'pipeline:updated': { funcId: string; fields: string[] };
  'pipeline:deleted': { funcId: string };
  /** One run of a user script (never its input, output or console text: those stay in the pipeline logs). */
  'pipeline:executed': { funcId: string; scene: string; result: string; durationMs: number; userId: string | null };
  test: { message: string };
}

export type EventPayload<E extends EventName> = E extends keyof EventPayloads ? EventPayloads[E] : Record<string, unknown>;

/** An event as services emit it (the event service stamps id and time). */
export interface EventInput<E extends EventName = EventName> {
  poolId: string;
  /** Who acted: a user id, an app id, an access key id, an administrator id; null for the system. */
  actor?: string | null;
  /** Whom it concerns (a user id, a role id …). */
  subject?: string | null;
  result?: 'success' | 'failure';
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  data: EventPayload<E>;
}

/** An event as subscribers receive it. */
export interface EmittedEvent<E extends EventName = EventName> extends EventInput<E> {
  id: string;
  name: E;
  /** ISO-8601 UTC. */
  at: string;
  result: 'success' | 'failure';
}
