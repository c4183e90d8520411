/**
 * SNS error codes → connector errors. Sources: Publish errors
 * (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_Errors) and common
 * errors (https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html).
 */
import type { ConnectorErrorCode, VendorErrorTable } from '@gatehouse/connector-kit';
import { mapVendorCode } from '@gatehouse/connector-kit';

export const snsErrors: VendorErrorTable = {
  exact: {
    Throttling: 'connector.rate_limited',
    ThrottlingException: 'connector.rate_limited',
    KMSThrottling: 'connector.rate_limited',
    InvalidClientTokenId: 'connector.auth_failed',
    SignatureDoesNotMatch: 'connector.auth_failed',
    IncompleteSignature: 'connector.auth_failed',
    MissingAuthenticationToken: 'connector.auth_failed',
    ExpiredToken: 'connector.auth_failed',
    RequestExpired: 'connector.auth_failed', // our clock is off
    AuthorizationError: 'connector.auth_failed', // IAM policy lacks sns:Publish
    AccessDenied: 'connector.auth_failed',
    OptInRequired: 'connector.auth_failed',
    InternalError: 'connector.unavailable',
    InternalFailure: 'connector.unavailable',
    ServiceUnavailable: 'connector.unavailable',
  },
};

/**
 * InvalidParameter / InvalidParameterValue name the offending parameter in Message
 * ("Invalid parameter: PhoneNumber Reason: …"): the phone number → invalid_recipient,
 * our own attributes → invalid_config, anything else → rejected.
 */
export function mapSnsError(code: string, message: string): ConnectorErrorCode {
  if (code === 'InvalidParameter' || code === 'InvalidParameterValue') {
    if (/PhoneNumber/i.test(message) && !/OriginationNumber/i.test(message)) return 'connector.invalid_recipient';
    if (/MessageAttributes|SenderID|OriginationNumber|TemplateId|EntityId/i.test(message)) return 'connector.invalid_config';
    return 'connector.rejected';
  }
  return mapVendorCode(snsErrors, code);
}
