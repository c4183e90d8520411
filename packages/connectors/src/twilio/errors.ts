/**
 * Twilio REST error codes → connector errors (https://www.twilio.com/docs/api/errors).
 */
import type { VendorErrorTable } from '@gatehouse/connector-kit';

export const twilioErrors: VendorErrorTable = {
  exact: {
    '21211': 'connector.invalid_recipient', // Invalid 'To' Phone Number
    '21614': 'connector.invalid_recipient', // 'To' number is not a valid mobile number
    '21612': 'connector.invalid_recipient', // 'To' not currently reachable via SMS
    '21610': 'connector.invalid_recipient', // recipient replied STOP (unsubscribed)
    '21408': 'connector.invalid_recipient', // permission to send to this region not enabled
    '21608': 'connector.invalid_recipient', // trial account: unverified number
    '21265': 'connector.invalid_recipient', // 'To' cannot be a short code
    '20003': 'connector.auth_failed', // Authentication Error
    '20005': 'connector.auth_failed', // Account not active
    '20429': 'connector.rate_limited', // Too Many Requests
    '14107': 'connector.rate_limited', // SMS send rate limit exceeded
    '21212': 'connector.invalid_config', // Invalid 'From' number
    '21606': 'connector.invalid_config', // 'From' is not a valid SMS-capable number
    '21659': 'connector.invalid_config', // 'From' is not a Twilio number / short code
    '21704': 'connector.invalid_config', // Messaging Service has no phone numbers
    '20404': 'connector.invalid_config', // resource not found (wrong Account or Service SID)
    '21602': 'connector.template_error', // Message body is required
    '21617': 'connector.template_error', // body exceeds 1600 characters
    '21619': 'connector.template_error', // body or media required
    '20500': 'connector.unavailable', // Internal Server Error
    '20503': 'connector.unavailable', // Service Unavailable
  },
};
