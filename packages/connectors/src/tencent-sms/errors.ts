/**
 * Tencent Cloud SMS error codes → connector errors, for both Response.Error.Code and
 * SendStatusSet[].Code. Sources: SendSms error codes (https://cloud.tencent.com/document/product/382/55981)
 * and the API 3.0 common errors (https://cloud.tencent.com/document/api/382/52075).
 */
import type { VendorErrorTable } from '@gatehouse/connector-kit';

export const tencentErrors: VendorErrorTable = {
  exact: {
    'InvalidParameterValue.IncorrectPhoneNumber': 'connector.invalid_recipient',
    'FailedOperation.PhoneNumberInBlacklist': 'connector.invalid_recipient',
    'FailedOperation.PhoneNumberParseFail': 'connector.invalid_recipient',
    'UnsupportedOperation.UnsupportedRegion': 'connector.invalid_recipient',
    'FailedOperation.TemplateIncorrectOrUnapproved': 'connector.template_error',
    'FailedOperation.SignatureIncorrectOrUnapproved': 'connector.template_error',
    'FailedOperation.TemplateParamSetNotMatchApprovedTemplate': 'connector.template_error',
    'FailedOperation.ContainSensitiveWord': 'connector.template_error',
    'FailedOperation.MissingSignature': 'connector.template_error',
    'FailedOperation.MissingTemplateToModify': 'connector.template_error',
    'InvalidParameterValue.TemplateParameterFormatError': 'connector.template_error',
    'InvalidParameterValue.TemplateParameterLengthLimit': 'connector.template_error',
    'InvalidParameterValue.ProhibitedUseUrlInTemplateParameter': 'connector.template_error',
    'FailedOperation.InsufficientBalanceInSmsPackage': 'connector.insufficient_balance',
    'InvalidParameterValue.SdkAppIdNotExist': 'connector.invalid_config',
    'InvalidParameter.AppidAndBizId': 'connector.invalid_config',
    RequestLimitExceeded: 'connector.rate_limited', // API call frequency
  },
  prefixes: [
    ['LimitExceeded.', 'connector.rate_limited'], // PhoneNumberDailyLimit, PhoneNumberThirtySecondLimit, …
    ['AuthFailure.', 'connector.auth_failed'], // SignatureFailure, SecretIdNotFound, SignatureExpire, …
    ['UnauthorizedOperation.', 'connector.auth_failed'], // SmsSdkAppIdVerifyFail, …
    ['InternalError', 'connector.unavailable'],
    ['ResourceUnavailable.', 'connector.unavailable'],
  ],
};
