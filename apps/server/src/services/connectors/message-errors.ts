import { ConnectorError } from '@gatehouse/connector-kit';
import { AppError } from '../../errors/app-error.js';

/**
 * The one place where connector failures become API errors (design.md §4). Connectors map
 * vendor answers to the closed set of ConnectorErrorCode; here that set maps to what a client
 * may see. Only a bad recipient is the caller's fault; everything else is ours or the
 * vendor's and answers "could not send, try later" without details (the log has them).
 */
export function connectorErrorToAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const refused = refusedByGuard(err);
  if (refused) return refused;
  const code = err instanceof ConnectorError ? err.code : 'connector.unavailable';
  switch (code) {
    case 'connector.invalid_recipient':
      return new AppError('passcode.invalid_recipient', { cause: err });
    case 'connector.invalid_config':
    case 'connector.auth_failed':
    case 'connector.template_error':
    case 'connector.insufficient_balance':
    case 'connector.rate_limited':
    case 'connector.unavailable':
    case 'connector.rejected':
      return new AppError('passcode.delivery_failed', { cause: err });
    default:
      // Identity-provider and directory codes never come from a message connector.
      return new AppError('passcode.delivery_failed', { cause: err });
  }
}

/** A connection the outbound guard refused (an internal address, plain http): the pool's setting is wrong, retrying cannot help. */
function refusedByGuard(err: unknown): AppError | undefined {
  const cause = err instanceof ConnectorError ? err.cause : undefined;
  return cause instanceof AppError ? cause : undefined;
}

/** Whether the outbox should try again later. Unknown throwables (bugs, network) count as transient. */
export const isRetryable = (err: unknown) => (refusedByGuard(err) ? false : err instanceof ConnectorError ? err.retryable : !(err instanceof AppError));

/** A short, secret-free label for the outbox row and logs. */
export const errorLabel = (err: unknown) => (err instanceof ConnectorError ? err.code : err instanceof AppError ? err.code : 'connector.unavailable');
