import type { TSchema } from '@sinclair/typebox';
import type { ErrorCode } from '@gatehouse/contracts';
import type { UserRow } from '../storage/repositories/users.js';

/**
 * The one shape every way in has (design.md §4). A login method identifies the account its
 * input names and verifies the proof; it never decides lockout, captcha, MFA, registration,
 * history, events or tokens — the sign-in engine (`flows/engine/`) does, once for every method.
 *
 * Adding a method is one folder under `login-methods/` (index.ts, schema.ts, errors.ts, README.md,
 * tests) plus one line in `registry.ts`. A method object is declared with `satisfies
 * LoginMethod<Input>` so its own extra members stay typed.
 */

/** Where and for whom a method runs. */
export interface MethodContext {
  poolId: string;
  /** The application the sign-in is for (null for pool-wide element calls without one). */
  appId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** What the input names, known before any secret is checked. */
export interface Identified {
  /** The account, when one exists (unknown accounts continue identically: enumeration safety). */
  user: UserRow | null;
  /**
   * Keys of the shared attempt counters (lockout, captcha): the normalised identifier the input
   * named, computed the same way whether or not the account exists, so no sequence of requests
   * tells a known account from an unknown one. Empty for methods whose proof cannot be guessed
   * (a single-use QR ticket).
   */
  keys: string[];
}

/** Data a method proposes for an account it proved but that does not exist yet (auto-registration). */
export interface RegistrationRequest {
  email?: string;
  username?: string;
  phone?: string;
  phoneCountryCode?: string;
  password?: string;
  /** Identifiers whose possession the method just proved (a code sent to them). */
  verified?: { email?: boolean; phone?: boolean };
  /** The registration method this counts as in the app's `registerConfig.enabledBasicRegisterMethods`. */
  /** `FEDERATED`: a first sign-in through an identity provider (the connection enabled for the app is its switch, not `enabledBasicRegisterMethods`). */
  registerMethod: 'EMAIL_PASSWORD' | 'PHONE_CODE' | 'EMAIL_CODE' | 'FEDERATED';
}

export type MethodOutcome =
  | {
      status: 'authenticated';
      user: UserRow;
      /** RFC 8176 values of what was proven. */
      amr: string[];
      /** Work to do once the proof holds (hash upgrade, marking a phone verified); its failure is logged, not fatal. */
      after?: () => Promise<void>;
      /** When the authentication happened, if not now (epoch seconds; a QR confirmation). */
      authTime?: number;
    }
  /** The proof failed. `error` is the specific reason; the engine decides what the client sees. */
  | {
      status: 'failed';
      error: ErrorCode;
      countsAsFailure: boolean;
      /**
       * What the client is told when it differs from `error` (which the login history and the
       * audit trail record): a directory's "account locked" (AD 775) is recorded as such and
       * answered like a wrong password. The engine still applies the pool's enumeration-safe rule.
       */
      clientError?: ErrorCode;
    }
  /** The proof holds but no account has this identifier (a code to a new phone): the engine may register. */
  | { status: 'no_account'; proposal: RegistrationRequest };

export interface FieldDescription {
  name: string;
  type: 'text' | 'password' | 'email' | 'tel' | 'code';
  label: { en: string; zh: string };
  autocomplete?: string;
}

/** How a front end presents the method (the hosted login renders forms from this). */
export interface MethodDescription {
  id: string;
  factor: LoginMethod['factor'];
  amr: readonly string[];
  label: { en: string; zh: string };
  fields: FieldDescription[];
}

export interface LoginMethod<I = unknown> {
  readonly id: string;
  /** `/api/v3/signin` serves this method for `connection` = name, reading the input from `body[payloadField]`. */
  readonly connection?: { name: string; payloadField: string };
  readonly factor: 'knowledge' | 'possession' | 'inherence' | 'federated';
  /** RFC 8176 values recorded on success. */
  readonly amr: readonly string[];
  /** Schema of the input; the engine validates before `identify`. */
  readonly inputSchema: TSchema;
  /** Catalogued codes this method may raise or return. */
  readonly errors: readonly ErrorCode[];
  /** Whether the engine's attempt guard (lockout, captcha, per-IP limit) applies to this method. */
  readonly guarded: boolean;
  describe(): MethodDescription;
  /**
   * Whether the hosted login offers the method to this application, and under which label (a
   * directory tab named after the app's connection). Absent: offered to every application.
   */
  availableFor?(ctx: { poolId: string; appId: string }): Promise<{ label?: { en: string; zh: string } } | null>;
  /** Checks cross-field rules the schema cannot express; throws a catalogued error. */
  check?(input: I): void;
  identify(ctx: MethodContext, input: I): Promise<Identified>;
  /** The account to create before verifying, when the input names none and the caller asked for auto-registration. */
  registration?(input: I): RegistrationRequest | null;
  verify(ctx: MethodContext, input: I, identified: Identified): Promise<MethodOutcome>;
}
