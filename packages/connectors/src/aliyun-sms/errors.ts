/**
 * Alibaba Cloud SMS error codes → connector errors.
 * Sources: SMS API error codes (https://help.aliyun.com/document_detail/101346.html) and the
 * common OpenAPI gateway errors (SignatureDoesNotMatch, InvalidAccessKeyId.NotFound, …).
 */
import type { VendorErrorTable } from '@gatehouse/connector-kit';

export const aliyunErrors: VendorErrorTable = {
  exact: {
    'isv.BUSINESS_LIMIT_CONTROL': 'connector.rate_limited', // per-number minute/hour/day flow control
    'isv.DAY_LIMIT_CONTROL': 'connector.rate_limited',
    'isv.MOBILE_NUMBER_ILLEGAL': 'connector.invalid_recipient',
    'isv.DOMESTIC_NUMBER_NOT_SUPPORTED': 'connector.invalid_recipient',
    'isv.SMS_TEMPLATE_ILLEGAL': 'connector.template_error',
    'isv.SMS_SIGNATURE_ILLEGAL': 'connector.template_error',
    'isv.SMS_SIGN_ILLEGAL': 'connector.template_error',
    'isv.SMS_CONTENT_ILLEGAL': 'connector.template_error',
    'isv.TEMPLATE_MISSING_PARAMETERS': 'connector.template_error',
    'isv.TEMPLATE_PARAMS_ILLEGAL': 'connector.template_error',
    'isv.INVALID_JSON_PARAM': 'connector.template_error',
    'isv.BLACK_KEY_CONTROL_LIMIT': 'connector.template_error',
    'isv.PARAM_LENGTH_LIMIT': 'connector.template_error',
    'isv.PARAM_NOT_SUPPORT_URL': 'connector.template_error',
    'isv.AMOUNT_NOT_ENOUGH': 'connector.insufficient_balance',
    'isv.OUT_OF_SERVICE': 'connector.insufficient_balance', // suspended for arrears
    'InvalidAccessKeyId.NotFound': 'connector.auth_failed',
    'InvalidAccessKeyId.Inactive': 'connector.auth_failed',
    SignatureDoesNotMatch: 'connector.auth_failed',
    IncompleteSignature: 'connector.auth_failed',
    'InvalidTimeStamp.Expired': 'connector.auth_failed', // our clock is off by > 15 min
    'isp.RAM_PERMISSION_DENY': 'connector.auth_failed',
    'isv.ACCOUNT_NOT_EXISTS': 'connector.auth_failed',
    'isv.ACCOUNT_ABNORMAL': 'connector.auth_failed',
    'isv.PRODUCT_UN_SUBSCRIPT': 'connector.auth_failed',
    'isv.PRODUCT_UNSUBSCRIBE': 'connector.auth_failed',
    'isv.DENY_IP_RANGE': 'connector.auth_failed',
    MissingSignName: 'connector.invalid_config',
    MissingTemplateCode: 'connector.invalid_config',
    SignatureNonceUsed: 'connector.unavailable', // a retry carries a fresh nonce
    'isp.SYSTEM_ERROR': 'connector.unavailable',
    ServiceUnavailable: 'connector.unavailable',
    InternalError: 'connector.unavailable',
  },
  prefixes: [
    ['Throttling', 'connector.rate_limited'],
    ['Forbidden', 'connector.auth_failed'],
  ],
};
