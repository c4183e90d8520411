/**
 * The password sign-in flow (issue #4), shared by /api/v3/signin (connection PASSWORD) and the
 * hosted login page of the OIDC interaction (issue #3). The flow engine — not the method —
 * applies lockout, captcha, rate limits and enumeration protection.
 */
export interface PasswordSignInInput {
  poolId: string;
  appId: string;
  /** account matches phone, email or username (reference `passwordPayload.account`). */
  account?: string;
  email?: string;
  username?: string;
  phone?: string;
  phoneCountryCode?: string;
  password: string;
  captchaCode?: string;
  captchaToken?: string;
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

export interface PasswordSignInResult {
  userId: string;
  /** RFC 8176 amr values, e.g. ['pwd']. */
  amr: string[];
  authTime: number;
}

/** Throws a catalogued AppError (auth.invalid_credentials, user.locked, captcha required …) on failure. */
export type PasswordSignIn = (input: PasswordSignInInput) => Promise<PasswordSignInResult>;
