import type { ErrorCode } from '@gatehouse/contracts';
import { AppError, isAppError } from '../../errors/app-error.js';

/**
 * The JitAi password element's error names (seeds/002_4e3abf45e3e17e9a.txt "Error Handling":
 * callers test `"USER_AUTH_MISS" in str(e)`). A `LoginTypeError` is an AppError — it maps to
 * its catalogued code on every surface — whose `name` and message carry the element's name.
 *
 * - USER_AUTH_MISS: no such user (only distinguishable when the pool sets
 *   `distinctLoginErrors`; otherwise unknown users are PASSWORD_ERROR, as enumeration-safe
 *   as /api/v3/signin's 2333).
 * - PASSWORD_ERROR: wrong password (or unknown user, see above).
 * - CAPTCHA_ERROR: captcha missing, wrong, expired or reused.
 * Other refusals (locked, disabled, too many attempts, inactive) keep their own codes.
 */
export type ElementErrorName = 'USER_AUTH_MISS' | 'PASSWORD_ERROR' | 'CAPTCHA_ERROR';

export class LoginTypeError extends AppError {
  readonly elementError: ElementErrorName;
  constructor(elementError: ElementErrorName, code: ErrorCode, cause?: AppError) {
    super(code, { ...(cause?.params ? { params: cause.params } : {}), ...(cause?.details ? { details: cause.details } : {}), ...(cause ? { cause } : {}) });
    this.name = elementError;
    this.elementError = elementError;
    this.message = `${elementError}: ${code}`;
  }
}

const BY_CODE: Partial<Record<ErrorCode, ElementErrorName>> = {
  'user.not_found': 'USER_AUTH_MISS',
  'auth.invalid_credentials': 'PASSWORD_ERROR',
  'user.wrong_password': 'PASSWORD_ERROR',
  'auth.captcha_required': 'CAPTCHA_ERROR',
  'auth.captcha_invalid': 'CAPTCHA_ERROR',
};

/** Gives a flow error its element name when it has one. */
export function toElementError(err: unknown): unknown {
  if (!isAppError(err) || err instanceof LoginTypeError) return err;
  const name = BY_CODE[err.code];
  return name ? new LoginTypeError(name, err.code, err) : err;
}
