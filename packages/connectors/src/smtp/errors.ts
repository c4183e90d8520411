/**
 * nodemailer/SMTP failures → connector errors. nodemailer sets `code` (EAUTH, ECONNECTION,
 * ETIMEDOUT, ESOCKET, EENVELOPE, EMESSAGE, ETLS, …; https://nodemailer.com/errors/) and, when the
 * server answered, `responseCode` (RFC 5321 §4.2: 4yz transient, 5yz permanent).
 */
import { ConnectorError, type ConnectorErrorCode } from '@gatehouse/connector-kit';

interface SmtpErrorLike {
  code?: string;
  responseCode?: number;
  command?: string;
  message?: string;
}

/** Node's TLS verification failures (CERT_HAS_EXPIRED, self-signed, ERR_TLS_CERT_ALTNAME_INVALID…). */
const CERT_FAILURE = /certificate|self[- ]signed|altnames|unable to (get|verify)/i;

export function mapSmtpError(err: unknown): ConnectorError {
  const e = (err ?? {}) as SmtpErrorLike;
  const code = classify(e);
  const cert = isCertFailure(e) ? ' (tls certificate rejected)' : '';
  const detail = `smtp: ${e.code ?? 'error'}${e.responseCode ? ` ${e.responseCode}` : ''}${e.command ? ` on ${e.command}` : ''}${cert}`;
  return new ConnectorError(code, detail, { cause: err });
}

function isCertFailure(e: SmtpErrorLike): boolean {
  return e.code === 'ESOCKET' && !e.responseCode && CERT_FAILURE.test(e.message ?? '');
}

function classify(e: SmtpErrorLike): ConnectorErrorCode {
  if (e.code === 'EAUTH') return 'connector.auth_failed';
  // An untrusted or expired server certificate needs the operator (tlsCa, or a fixed server).
  if (isCertFailure(e)) return 'connector.invalid_config';
  if (e.code === 'ENOAUTH' || e.code === 'ETLS' || e.code === 'ECONFIG') return 'connector.invalid_config';
  if (e.responseCode && e.responseCode >= 400 && e.responseCode < 500) return 'connector.unavailable';
  if (e.responseCode === 530 || e.responseCode === 535) return 'connector.auth_failed';
  if (e.code === 'EENVELOPE' && e.responseCode && e.responseCode >= 500) {
    return /^RCPT/i.test(e.command ?? '') ? 'connector.invalid_recipient' : 'connector.rejected';
  }
  if (e.responseCode && e.responseCode >= 500) return 'connector.rejected';
  // ECONNECTION, ETIMEDOUT, ESOCKET, EDNS, EPROTOCOL, connection resets: try again later.
  return 'connector.unavailable';
}
