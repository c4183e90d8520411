import type { ErrorCode } from '@gatehouse/contracts';

/**
 * Catalogued errors of the directory methods. The `directory.*` refusal reasons are recorded in
 * the login history and the audit trail; the client gets the engine's enumeration-safe answer
 * (`auth.invalid_credentials`, or `user.wrong_password` / `user.not_found` when the pool opts into
 * distinct codes) or `directory.unavailable` when the directory cannot be asked.
 */
export const directoryMethodErrors = [
  'auth.invalid_credentials',
  'auth.payload_required',
  'user.wrong_password',
  'user.not_found',
  'directory.unavailable',
  'directory.not_configured',
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
