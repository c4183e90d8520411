import type { ErrorCode } from '@gatehouse/contracts';
import { ConnectorError, type ConnectorErrorCode } from '@gatehouse/connector-kit';
import type { DirectoryOutcome } from './types.js';

type Failed = Extract<DirectoryOutcome, { status: 'failed' }>;

/**
 * A directory's refusal → the catalogued reason recorded in the login history and the audit
 * trail, and the answer the client gets. Every refusal of an *account* is answered like a wrong
 * password (`user.wrong_password`, which the engine turns into 2333 unless the pool opts into the
 * reference's distinct codes), because "disabled", "locked" or "expired" would confirm that the
 * account exists (the AD sub-codes 533 and 775 come back whatever the password). A directory that
 * cannot be asked — down, too slow, a certificate that does not verify, a broken connection
 * configuration — fails closed with `directory.unavailable`, which says nothing about the account
 * and is not counted as a guess.
 */
const ACCOUNT_REASONS: Partial<Record<ConnectorErrorCode, ErrorCode>> = {
  'connector.invalid_credentials': 'directory.invalid_credentials',
  'connector.account_disabled': 'directory.account_disabled',
  'connector.account_locked': 'directory.account_locked',
  'connector.account_expired': 'directory.account_expired',
  'connector.password_expired': 'directory.password_expired',
  'connector.password_must_change': 'directory.password_must_change',
  'connector.logon_restricted': 'directory.logon_restricted',
  'connector.rejected': 'directory.rejected',
};

const OUTAGE_REASONS: Partial<Record<ConnectorErrorCode, ErrorCode>> = {
  'connector.unavailable': 'directory.unavailable',
  'connector.tls_failed': 'directory.tls_failed',
  'connector.invalid_config': 'directory.misconfigured',
};

/** What the connector refused before asking the directory (connector.ts checkInput / findUser). */
function refinedCredentialReason(detail: string): ErrorCode {
  if (/^ad 525:/.test(detail) || /^no entry matches/.test(detail)) return 'directory.no_such_user';
  if (/^empty password/.test(detail)) return 'directory.empty_password';
  if (/^(empty account|account longer|control character|password longer|NUL in password)/.test(detail)) return 'directory.invalid_account';
  if (/more than one entry/.test(detail)) return 'directory.ambiguous_account';
  return 'directory.invalid_credentials';
}

export function refusalOf(err: ConnectorError): Failed {
  const outage = OUTAGE_REASONS[err.code];
  if (outage) return { status: 'failed', error: outage, clientError: 'directory.unavailable', countsAsFailure: false };
  const reason = err.code === 'connector.invalid_credentials' ? refinedCredentialReason(err.vendorDetail ?? '') : (ACCOUNT_REASONS[err.code] ?? 'directory.rejected');
  // Input refused before any bind is not a guess at the password; everything else is.
  const counts = reason !== 'directory.empty_password' && reason !== 'directory.invalid_account';
  return { status: 'failed', error: reason, clientError: reason === 'directory.no_such_user' ? 'user.not_found' : 'user.wrong_password', countsAsFailure: counts };
}

export const isConnectorError = (err: unknown): err is ConnectorError => err instanceof ConnectorError;
