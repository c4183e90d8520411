import type { ErrorCode } from '@gatehouse/contracts';

/**
 * What the directory methods may answer a client: the engine's enumeration-safe refusal
 * (`auth.invalid_credentials`, or `user.wrong_password` / `user.not_found` when the pool opts
 * into distinct codes), `directory.unavailable` when the directory cannot be asked, and
 * `directory.not_configured` for an application without a connection of the type.
 */
export const directoryMethodErrors = [
  'auth.invalid_credentials',
  'auth.payload_required',
  'user.wrong_password',
  'user.not_found',
  'directory.unavailable',
  'directory.not_configured',
  // Provisioning: every identifier of the entry is held by other accounts (docs/ldap.md "Users and roles").
  'federation.link_required',
] as const satisfies readonly ErrorCode[];

/** The specific reasons of a refusal: recorded in the login history and the audit trail, never answered. */
export const directoryRefusalReasons = [
  'directory.invalid_credentials',
  'directory.no_such_user',
  'directory.account_disabled',
  'directory.account_locked',
  'directory.account_expired',
  'directory.password_expired',
  'directory.password_must_change',
  'directory.logon_restricted',
  'directory.empty_password',
  'directory.invalid_account',
  'directory.ambiguous_account',
  'directory.tls_failed',
  'directory.misconfigured',
  'directory.rejected',
] as const satisfies readonly ErrorCode[];
