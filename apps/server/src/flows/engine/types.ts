import type { ErrorCode, SignInProtocol } from '@gatehouse/contracts';
import type { MethodOutcome } from '../../login-methods/types.js';
import type { UserRow } from '../../storage/repositories/users.js';
import type { LoginTokenResponseData } from '../../services/tokens/types.js';
import type { RegistrationInput } from '../registration.js';

/** Who asked, for counters, history and events. */
export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/**
 * Where a completed sign-in goes (design.md §3a, "one finish"):
 *  - `tokens`: the /api/v3 token response (LoginTokenResponseDataDto);
 *  - `interaction`: the hosted login hands the result to oidc-provider's interaction (SAML and
 *    CAS later finish the same way: through the one SSO session);
 *  - `login-code`: a single-use code the caller exchanges for tokens later (JitAi `getLoginCode`).
 */
export type FinishTarget = { kind: 'tokens'; scope?: string | undefined } | { kind: 'interaction' } | { kind: 'login-code' };

export interface SignInOptions {
  /** Create the account when the input names none (vendor `options.autoRegister`), if the app allows registration. */
  autoRegister?: boolean | undefined;
  /** Custom data for an account created by auto-registration (vendor `options.customData`). */
  customData?: Record<string, unknown> | undefined;
  /** The caller's context (vendor `options.context`), passed to user scripts. */
  context?: Record<string, unknown> | undefined;
  captcha?: { token?: string | undefined; code?: string | undefined } | undefined;
  /** A captcha on every attempt (JitAi `requireCaptcha`). */
  captchaEveryTime?: boolean | undefined;
  /** What the page's captcha was bound to (its flow): a captcha bound elsewhere is refused here. */
  captchaBinding?: string | undefined;
  /** Label in the login history (default: the method id). */
  historyLabel?: string | undefined;
  /**
   * What the way in knows for the MFA step (docs/mfa.md): the OIDC request asked for MFA
   * (`acr_values=mfa`), and the browser's "remember this device" cookies (checked by the step).
   */
  mfa?: { force?: boolean | undefined; deviceTokens?: string[] | undefined } | undefined;
}

export interface SignInRequest {
  poolId: string;
  appId: string | null;
  /** A login method id from the registry. */
  method: string;
  /** The method's input as received; validated against the method's schema. */
  input: unknown;
  /** Where the input sits in the request, for error details (e.g. `body/passwordPayload`). */
  inputPath?: string;
  request: RequestInfo;
  protocol: SignInProtocol;
  options?: SignInOptions;
  target: FinishTarget;
}

export interface InteractionLogin {
  accountId: string;
  amr: string[];
  acr?: string;
  ts: number;
  remember: boolean;
}

export type Finished =
  | { kind: 'tokens'; userId: string; tokens: LoginTokenResponseData }
  | { kind: 'interaction'; userId: string; login: InteractionLogin }
  | { kind: 'login-code'; userId: string; loginCode: string };

/** A step needs more from the caller; the flow waits in the shared KV under `flowToken`. */
export interface Challenge {
  status: 'challenge';
  flowToken: string;
  step: string;
  /** The catalogued error the direct API answers with (e.g. MFA's 1635) and its client-safe data. */
  error: ErrorCode;
  data: Record<string, unknown>;
  /** Also give the flow token under this data field (MFA's vendor name for it is `mfaToken`). */
  tokenAlias?: string;
}

export type SignInResult = ({ status: 'complete' } & Finished) | Challenge;

/**
 * A sign-in in progress (design.md §3a). Held in memory while one request drives it; written to
 * the shared KV only when a step waits for the caller, bound to the pool, the app and the
 * channel that started it, and dead after `expiresAt`.
 */
export interface FlowRecord {
  id: string;
  poolId: string;
  appId: string | null;
  protocol: SignInProtocol;
  target: FinishTarget;
  request: RequestInfo;
  /** The options that matter after authentication (never a captcha or a secret). */
  options: Pick<SignInOptions, 'context' | 'historyLabel' | 'mfa'>;
  method: string;
  userId: string;
  amr: string[];
  acr?: string;
  /** Epoch seconds of the first factor. */
  authTime: number;
  /** The counter keys of the first factor: later steps draw on the same counters. */
  keys: string[];
  /** Policy steps done, in order. */
  done: string[];
  /** The step waiting for the caller. */
  pending: string | null;
  /** Per-step scratch (e.g. the factor a user chose) and claims added by hooks. */
  data: Record<string, unknown>;
  /**
   * A step before MFA (a user script: `context.requireMfa()`, docs/pipeline.md) asked for a
   * second factor for this sign-in: the MFA step applies as if the policy required it.
   */
  mfaRequested?: boolean;
  createdAt: number;
  expiresAt: number;
}

/** Result of a policy step. */
export type StepResult =
  | { status: 'done'; amr?: string[]; acr?: string }
  | { status: 'challenge'; error: ErrorCode; data: Record<string, unknown>; tokenAlias?: string };

/**
 * A policy step after authentication (MFA, user scripts, profile completion, agreements,
 * account-link confirmation). Steps run in registry order; each decides whether it applies.
 */
export interface PolicyStep {
  id: string;
  run(flow: FlowRecord): Promise<StepResult>;
  /** The caller's answer to this step's challenge (e.g. a TOTP code). */
  answer?(flow: FlowRecord, input: unknown, request: RequestInfo): Promise<StepResult>;
}

/** Hooks of the engine for user scripts and other extensions; each is optional. */
export interface EngineHooks {
  /** Before a method verifies (PRE_AUTHENTICATION); throw a catalogued error to refuse. */
  beforeAuthentication?(e: { poolId: string; appId: string | null; method: string; input: unknown; request: RequestInfo; protocol: SignInProtocol; context?: Record<string, unknown> | undefined }): Promise<void>;
  /**
   * No account holds the identifier of a password sign-in: a custom database may import one
   * (lazy migration, docs/pipeline.md). True when it created the account; the engine then
   * identifies again and verifies the password against the imported account as usual.
   */
  unknownAccount?(e: { poolId: string; appId: string | null; method: string; input: unknown; request: RequestInfo }): Promise<boolean>;
  /**
   * A pool whose users' passwords live in its own store (custom database, "own database" mode,
   * docs/pipeline.md) checks a password sign-in there: the outcome replaces the method's
   * verification. null: not this hook's account (the method verifies as usual).
   */
  externalPassword?(e: { poolId: string; appId: string | null; input: unknown; user: UserRow | null; request: RequestInfo }): Promise<MethodOutcome | null>;
  /**
   * A registration with a password in such a pool: the engine creates the account without the
   * password, then calls the returned function with it (the store creates its user; a refusal
   * throws and removes the account). null: an ordinary registration.
   */
  externalRegistration?(e: { poolId: string; appId: string | null; input: RegistrationInput }): Promise<((userId: string) => Promise<void>) | null>;
  /** Before an account is created (PRE_REGISTER); throw to refuse. */
  beforeRegistration?(e: { poolId: string; appId: string | null; proposal: Record<string, unknown>; request: RequestInfo; via: 'signup' | 'autoRegister' }): Promise<void>;
  /** After an account is created (POST_REGISTER). */
  afterRegistration?(e: { poolId: string; appId: string | null; userId: string; request: RequestInfo; via: 'signup' | 'autoRegister' }): Promise<void>;
  /** Before the MFA step checks a second-factor answer (PRE_MFA_VERIFY); throw to refuse it. */
  beforeMfaVerify?(flow: FlowRecord, e: { factorType: string; request: RequestInfo }): Promise<void>;
  /** After a second factor passed (POST_MFA_VERIFY); throw to refuse the sign-in. */
  afterMfaVerify?(flow: FlowRecord, e: { factorType: string; request: RequestInfo }): Promise<void>;
  /** Extra claims for the tokens about to be issued (PRE_OIDC_ID_TOKEN_ISSUED …). */
  tokenClaims?(flow: FlowRecord): Promise<{ idToken?: Record<string, unknown>; accessToken?: Record<string, unknown> } | undefined>;
}
