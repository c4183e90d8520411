/**
 * Directory failures → connector errors. Three sources:
 *  - the network and TLS layers (Node errors: ECONNREFUSED, certificate codes, our deadlines);
 *  - LDAP result codes (RFC 4511 Appendix A; ldapts raises one class per code with `code`);
 *  - the reason a directory gives inside a failed bind: Active Directory's sub-code in the
 *    diagnostic message ("…AcceptSecurityContext error, data 775, v1db1"), and the password
 *    policy response control of OpenLDAP (draft-behera-ldap-password-policy §6.2).
 */
import { ConnectorError, type ConnectorErrorCode, type DirectoryStep } from '@gatehouse/connector-kit';
import { PasswordPolicyError, ResultCodeError } from 'ldapts';

/** What we were doing when it failed; decides how a result code is read. */
export type Phase = 'connect' | 'tls' | 'starttls' | 'service-bind' | 'user-bind' | 'search' | 'group-search' | 'unbind';

/** A ConnectorError that also says which step of `test()` it belongs to. */
export class DirectoryError extends ConnectorError {
  constructor(
    code: ConnectorErrorCode,
    readonly step: DirectoryStep,
    vendorDetail: string,
    options?: { cause?: unknown },
  ) {
    super(code, vendorDetail, options);
  }
}

/** Raised by our own deadlines (connect, handshake, each operation). */
export class DeadlineError extends Error {
  constructor(readonly what: string, readonly ms: number) {
    super(`${what} timed out after ${ms} ms`);
    this.name = 'DeadlineError';
  }
}

export const stepOf = (phase: Phase): DirectoryStep =>
  phase === 'connect' ? 'connect' : phase === 'tls' || phase === 'starttls' ? 'tls' : phase === 'service-bind' ? 'bind' : 'search';

/**
 * Active Directory bind sub-codes ([MS-ADTS] / Windows system error codes, hex of the Win32 error):
 * the code is the part after "data " in the diagnostic message. 525 and 52e both mean "no" to the
 * client (and Samba answers 52e for unknown users too).
 */
export const AD_SUB_CODES: Record<string, { code: ConnectorErrorCode; reason: string }> = {
  '525': { code: 'connector.invalid_credentials', reason: 'no such user' },
  '52e': { code: 'connector.invalid_credentials', reason: 'invalid credentials' },
  '530': { code: 'connector.logon_restricted', reason: 'not permitted to log on at this time' },
  '531': { code: 'connector.logon_restricted', reason: 'not permitted to log on from this workstation' },
  '532': { code: 'connector.password_expired', reason: 'password expired' },
  '533': { code: 'connector.account_disabled', reason: 'account disabled' },
  '568': { code: 'connector.invalid_credentials', reason: 'too many security ids (token too large)' },
  '701': { code: 'connector.account_expired', reason: 'account expired' },
  '773': { code: 'connector.password_must_change', reason: 'user must reset password' },
  '775': { code: 'connector.account_locked', reason: 'account locked out' },
};

/** `data 775` → '775'; undefined when the message carries no sub-code (not AD). */
export function parseAdSubCode(message: string): string | undefined {
  return /\bdata ([0-9a-f]{3,8})\b/i.exec(message)?.[1]?.toLowerCase();
}

/**
 * The AD sub-code of a directory sign-in failure, for logs and the audit trail. The connector
 * puts it first in `vendorDetail` as `ad 775: …`.
 */
export function adSubCodeOf(err: unknown): string | undefined {
  if (!(err instanceof ConnectorError) || !err.vendorDetail) return undefined;
  return /^ad ([0-9a-f]{3,8}):/.exec(err.vendorDetail)?.[1];
}

/** Node's certificate verification failures and TLS protocol errors. */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function errCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isTlsFailure(err: unknown): boolean {
  const code = errCode(err);
  return !!code && (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'));
}

/** Network-level failure of an established or opening connection (worth trying another URL). */
export function isConnectionFailure(err: unknown): boolean {
  if (err instanceof DeadlineError) return true;
  if (err instanceof ConnectorError) return err.code === 'connector.unavailable' || err.code === 'connector.tls_failed';
  if (err instanceof ResultCodeError) return err.code === 51 || err.code === 52; // busy, unavailable
  if (errCode(err)) return true; // ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT, ENOTFOUND, certificate codes…
  const msg = err instanceof Error ? err.message : '';
  return /Connection closed|Socket error|socket connection not established|timed out|Connection timeout|reconnect refused/i.test(msg);
}

/** Text for logs: the result code name and the server's diagnostic message, never request data. */
function describe(err: unknown): string {
  if (err instanceof ResultCodeError) return `${err.name} (${err.code}): ${err.message}`;
  if (err instanceof Error) return `${errCode(err) ?? err.name}: ${err.message}`;
  return String(err);
}

/**
 * Maps anything a directory operation threw. `endpoint` (scheme://host:port) is added to the
 * detail so an administrator sees which of several URLs failed.
 */
export function toDirectoryError(err: unknown, phase: Phase, endpoint: string): DirectoryError {
  if (err instanceof DirectoryError) return err;
  const step = stepOf(phase);
  const at = `${endpoint} ${phase}`;
  if (err instanceof ConnectorError) return new DirectoryError(err.code, step, err.vendorDetail ?? at, { cause: err });
  if (err instanceof DeadlineError) return new DirectoryError('connector.unavailable', step, `${at}: ${err.message}`, { cause: err });
  if (isTlsFailure(err)) {
    return new DirectoryError('connector.tls_failed', phase === 'connect' ? 'tls' : step, `${at}: ${describe(err)}`, { cause: err });
  }
  if (err instanceof ResultCodeError) return fromResultCode(err, phase, step, at);
  // The server hung up during the TLS handshake itself (after TCP was established): the port does
  // not speak TLS (slapd simply closes on a ClientHello), or there is no common protocol version
  // or cipher. A configuration problem, not an outage. Outside the handshake, including a
  // StartTLS request that got no answer, it is the network.
  if (phase === 'tls') return new DirectoryError('connector.tls_failed', 'tls', `${at}: ${describe(err)} (during the TLS handshake)`, { cause: err });
  return new DirectoryError('connector.unavailable', step, `${at}: ${describe(err)}`, { cause: err });
}

function fromResultCode(err: ResultCodeError, phase: Phase, step: DirectoryStep, at: string): DirectoryError {
  const detail = `${at}: ${describe(err)}`;
  const make = (code: ConnectorErrorCode, d = detail) => new DirectoryError(code, step, d, { cause: err });
  // The server refused or could not do StartTLS (protocolError, unavailable, …): TLS never started.
  if (phase === 'starttls') return make('connector.tls_failed');
  switch (err.code) {
    case 8: // strongerAuthRequired: AD and slapd with `olcSecurity` refuse simple binds in clear text
    case 13: // confidentialityRequired
      return make('connector.invalid_config', `${detail} (the directory requires TLS: use ldaps:// or startTls)`);
    case 3: // timeLimitExceeded
    case 11: // adminLimitExceeded
    case 51: // busy
    case 52: // unavailable
    case 1: // operationsError
    case 80: // other
      return make('connector.unavailable');
    case 10: // referral: the base DN lives on another server
    case 32: // noSuchObject
    case 34: // invalidDNSyntax
    case 50: // insufficientAccessRights
    case 17: // undefinedAttributeType
    case 18: // inappropriateMatching
    case 87: // filterError
      if (phase === 'user-bind') return make('connector.invalid_credentials'); // the entry vanished between search and bind
      return make('connector.invalid_config');
    default:
      break;
  }
  if (phase === 'service-bind') {
    // The service account's own bind failed: wrong bindDn/bindPassword, or the account was
    // deleted, disabled or locked in the directory. Nothing the signing-in user can change, and
    // retrying will not help: the administrator must fix the connection.
    const sub = parseAdSubCode(err.message);
    return make('connector.invalid_config', `service account bind refused${sub ? ` (ad ${sub}: ${AD_SUB_CODES[sub]?.reason ?? 'unknown'})` : ''}: ${detail}`);
  }
  if (phase === 'user-bind') return fromUserBind(err, detail, step);
  return make('connector.rejected');
}

function fromUserBind(err: ResultCodeError, detail: string, step: DirectoryStep): DirectoryError {
  const sub = parseAdSubCode(err.message);
  if (sub) {
    const known = AD_SUB_CODES[sub];
    return new DirectoryError(known?.code ?? 'connector.invalid_credentials', step, `ad ${sub}: ${known?.reason ?? 'unknown sub-code'}: ${detail}`, { cause: err });
  }
  switch (err.code) {
    case 49: // invalidCredentials
    case 48: // inappropriateAuthentication
      return new DirectoryError('connector.invalid_credentials', step, detail, { cause: err });
    case 53: // unwillingToPerform: 389-ds / FreeIPA answer this for an inactivated (nsAccountLock) account
      return new DirectoryError('connector.account_disabled', step, detail, { cause: err });
    case 19: // constraintViolation: 389-ds / FreeIPA lockout ("Too many failed logins", "Account … is expired")
      if (/too many|lock/i.test(err.message)) return new DirectoryError('connector.account_locked', step, detail, { cause: err });
      if (/expired/i.test(err.message)) return new DirectoryError('connector.account_expired', step, detail, { cause: err });
      return new DirectoryError('connector.invalid_credentials', step, detail, { cause: err });
    default:
      return new DirectoryError('connector.rejected', step, detail, { cause: err });
  }
}

/**
 * The password policy control (sent with every user bind on `ldap` connections) names the reason
 * even when the bind "succeeds" (ChangeAfterReset: the session may only change the password).
 * `adminLocked` is true when pwdAccountLockedTime is 000001010000Z, the ppolicy way of saying
 * "locked by an administrator until unlocked": OpenLDAP's closest thing to a disabled account.
 */
export function fromPasswordPolicy(error: number | undefined, adminLocked: boolean, endpoint: string): DirectoryError | undefined {
  const step: DirectoryStep = 'search';
  const detail = (what: string) => `${endpoint} user-bind: password policy: ${what}`;
  switch (error) {
    case PasswordPolicyError.AccountLocked:
      return adminLocked
        ? new DirectoryError('connector.account_disabled', step, detail('account locked by an administrator'))
        : new DirectoryError('connector.account_locked', step, detail('account locked'));
    case PasswordPolicyError.PasswordExpired:
      return new DirectoryError('connector.password_expired', step, detail('password expired'));
    case PasswordPolicyError.ChangeAfterReset:
      return new DirectoryError('connector.password_must_change', step, detail('password must be changed after reset'));
    default:
      return undefined;
  }
}
