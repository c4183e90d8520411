import type { ErrorCode } from '@gatehouse/contracts';

/** Catalogued errors of the SMS / email code method. */
export const passcodeMethodErrors = [
  'passcode.payload_required',
  'passcode.invalid',
  'passcode.burned',
  'passcode.invalid_recipient',
  'passcode.phone_not_allowed',
  'user.not_found',
] as const satisfies readonly ErrorCode[];
