import type { ErrorCode } from '@gatehouse/contracts';
import { AppError, isAppError } from '../../errors/app-error.js';
import type { LoginMethodRegistry } from '../../login-methods/registry.js';
import type { Identified, LoginMethod, MethodContext, RegistrationRequest } from '../../login-methods/types.js';
import type { AuthSettingsService } from '../../services/credentials/settings.js';
import type { UserDto } from '../../services/users.js';
import { isUserDisabled } from '../../services/users/status.js';
import type { Logger } from '../../utils/logger.js';
import type { RegistrationInput } from '../registration.js';
import type { AttemptGuard } from './attempt-guard.js';
import type { Finish } from './complete.js';
import { FLOW_TTL_MS, type FlowStore } from './flow-store.js';
import type { Challenge, EngineHooks, FinishTarget, FlowRecord, PolicyStep, RequestInfo, SignInRequest, SignInResult } from './types.js';
import { validateInput } from './validate.js';

export interface EngineDeps {
  methods: LoginMethodRegistry;
  /** Policy steps after authentication, in order (MFA, user scripts, profile completion, agreements …). */
  steps: readonly PolicyStep[];
  hooks: readonly EngineHooks[];
  guard: AttemptGuard;
  flows: FlowStore;
  finish: Finish;
  settings: Pick<AuthSettingsService, 'get'>;
  /** Creates an account (policy, allow-list, hashing); the engine adds the switches, hooks and events. */
  createAccount(poolId: string, input: RegistrationInput, opts: { via: 'signup' | 'autoRegister' }): Promise<UserDto>;
  /** The registration methods an app allows (`registerConfig.enabledBasicRegisterMethods`); null when the app is unknown. */
  appRegisterMethods(poolId: string, appId: string): Promise<readonly string[] | null>;
  onRegistered(poolId: string, user: UserDto, e: { appId: string | null; method: string; request: RequestInfo; via: 'signup' | 'autoRegister' }): Promise<void>;
  /**
   * `options.customData` of a sign-in (vendor SignInOptionsDto: "sets extra custom data on the
   * user"): merged into the signed-in user's custom data, checked like every user write.
   */
  setSignInData?(poolId: string, userId: string, data: Record<string, unknown>): Promise<void>;
  log: Logger;
}

export interface RegisterRequest {
  poolId: string;
  appId: string | null;
  input: RegistrationInput;
  /** Which of the app's `enabledBasicRegisterMethods` this is. */
  registerMethod: RegistrationRequest['registerMethod'];
  via: 'signup' | 'autoRegister';
  request: RequestInfo;
}

/**
 * The sign-in engine (design.md §3a). Every way in — /api/v3/signin, the hosted login, QR
 * tickets, JitAi elements, and next social, directory and passkey sign-ins — runs:
 *
 *   identify (method) → [auto-register] → guard (lockout, captcha, per-IP) → verify (method)
 *     → policy steps (each may challenge: the flow waits in the KV) → finish (one place)
 *
 * The method only proves who someone is; the engine owns what is common: counters, captcha,
 * enumeration-safe errors, registration switches, hooks, steps, history, events and tokens.
 */
export function createSignInEngine(deps: EngineDeps) {
  function methodOf(id: string): LoginMethod<never> {
    const m = deps.methods.get(id);
    if (!m) throw new AppError('auth.unsupported_connection', { params: { connection: id, supported: deps.methods.connections().join(', ') } });
    return m;
  }

  /** The client sees 2333 for an unknown account and a wrong password alike, unless the pool opts into the reference's distinct codes. */
  async function clientError(poolId: string, code: ErrorCode): Promise<AppError> {
    if (code === 'user.not_found' || code === 'user.wrong_password') {
      if (!(await deps.settings.get(poolId)).distinctLoginErrors) return new AppError('auth.invalid_credentials');
    }
    return new AppError(code);
  }

  async function register(r: RegisterRequest): Promise<UserDto> {
    const settings = await deps.settings.get(r.poolId);
    if (!settings.registration.enabled) throw new AppError('auth.registration_disabled');
    // A federated first sign-in is allowed per app by enabling the connection for it (change-ext-idp-conn-state).
    if (r.appId && r.registerMethod !== 'FEDERATED') {
      const allowed = await deps.appRegisterMethods(r.poolId, r.appId);
      if (!allowed || !allowed.includes(r.registerMethod)) throw new AppError('auth.registration_disabled');
    }
    const { password: _password, ...proposal } = r.input;
    for (const h of deps.hooks) await h.beforeRegistration?.({ poolId: r.poolId, appId: r.appId, proposal, request: r.request, via: r.via });
    // A pool whose users live in its own store: the password goes there, never into this account.
    let external: ((userId: string) => Promise<void>) | null = null;
    if (r.input.password !== undefined) {
      for (const h of deps.hooks) {
        external = (await h.externalRegistration?.({ poolId: r.poolId, appId: r.appId, input: r.input })) ?? null;
        if (external) break;
      }
    }
    const user = await deps.createAccount(r.poolId, external ? proposal : r.input, { via: r.via });
    await external?.(user.userId);
    await deps.onRegistered(r.poolId, user, { appId: r.appId, method: r.registerMethod, request: r.request, via: r.via });
    for (const h of deps.hooks) {
      await h.afterRegistration?.({ poolId: r.poolId, appId: r.appId, userId: user.userId, request: r.request, via: r.via })?.catch((err: unknown) => deps.log.error({ err }, 'after-registration hook failed'));
    }
    return user;
  }

  /** Runs the policy steps not yet done; a challenge parks the flow in the KV. */
  async function advance(flow: FlowRecord, token: string | null): Promise<SignInResult> {
    for (const step of deps.steps) {
      if (flow.done.includes(step.id)) continue;
      const r = await step.run(flow);
      if (r.status === 'challenge') return park(flow, token, step.id, r);
      flow.done.push(step.id);
      if (r.amr) flow.amr = [...new Set([...flow.amr, ...r.amr])];
      if (r.acr) flow.acr = r.acr;
    }
    if (token && !(await deps.flows.end(flow.poolId, token))) throw new AppError('flow.invalid'); // finished by a parallel answer
    return { status: 'complete', ...(await deps.finish.complete(flow)) };
  }

  async function park(flow: FlowRecord, token: string | null, step: string, r: Extract<Awaited<ReturnType<PolicyStep['run']>>, { status: 'challenge' }>): Promise<Challenge> {
    let t = token;
    if (!t) {
      const fresh = deps.flows.newToken();
      t = fresh.token;
      flow.id = fresh.id;
    }
    flow.pending = step;
    await deps.flows.save(t, flow);
    return { status: 'challenge', flowToken: t, step, error: r.error, data: { ...r.data, ...(r.tokenAlias ? { [r.tokenAlias]: t } : {}) }, ...(r.tokenAlias ? { tokenAlias: r.tokenAlias } : {}) };
  }

  return {
    register,

    async signIn(req: SignInRequest): Promise<SignInResult> {
      const method = methodOf(req.method);
      const path = req.inputPath ?? 'input';
      const input = validateInput<never>(method.inputSchema, req.input, path, () => new AppError(method.id === 'passcode' ? 'passcode.payload_required' : method.id === 'password' ? 'auth.payload_required' : 'request.invalid_input'));
      method.check?.(input);
      const opts = req.options ?? {};
      const label = opts.historyLabel ?? method.id;
      const ctx: MethodContext = { poolId: req.poolId, appId: req.appId, ...req.request };
      const refuse = async (code: ErrorCode, userId: string | null) =>
        deps.finish.failed({ poolId: req.poolId, appId: req.appId, userId, method: label, request: req.request, protocol: req.protocol, code });

      for (const h of deps.hooks) await h.beforeAuthentication?.({ poolId: req.poolId, appId: req.appId, method: method.id, input, request: req.request, protocol: req.protocol, context: opts.context });

      let identified: Identified = await method.identify(ctx, input);
      let registeredNow = false;
      if (!identified.user && opts.autoRegister && method.registration) {
        const proposal = method.registration(input);
        if (proposal) {
          registeredNow = true;
          const { registerMethod, ...account } = proposal;
          await register({ poolId: req.poolId, appId: req.appId, input: { ...account, ...(opts.customData ? { profile: { customData: opts.customData } } : {}) }, registerMethod, via: 'autoRegister', request: req.request });
          identified = await method.identify(ctx, input);
        }
      }

      const attempt =
        method.guarded && identified.keys.length
          ? await deps.guard
              .begin(req.poolId, { keys: identified.keys, ip: req.request.ip, captcha: opts.captcha, captchaEveryTime: opts.captchaEveryTime === true, captchaBinding: opts.captchaBinding })
              .catch(async (err: unknown) => {
                if (isAppError(err)) await refuse(err.code, identified.user?.id ?? null);
                throw err;
              })
          : null;

      // An account the pool does not hold yet may live in a legacy store (lazy migration by a user
      // script). Asked only after the attempt guard has reserved this attempt: a locked identifier
      // never reaches the legacy store, so it can be neither hammered nor used as an oracle (an
      // import that happened would otherwise show as a faster answer on the next try).
      // A pool whose users' passwords live in its own store checks them there (after the guard, like any check).
      let external: Awaited<ReturnType<LoginMethod['verify']>> | null = null;
      if (method.id === 'password') {
        try {
          for (const h of deps.hooks) {
            external = (await h.externalPassword?.({ poolId: req.poolId, appId: req.appId, input, user: identified.user, request: req.request })) ?? null;
            if (external) break;
          }
        } catch (err) {
          await attempt?.release().catch(() => undefined);
          if (isAppError(err)) await refuse(err.code, identified.user?.id ?? null);
          throw err;
        }
      }

      if (!external && !identified.user && method.id === 'password') {
        try {
          for (const h of deps.hooks) {
            if (await h.unknownAccount?.({ poolId: req.poolId, appId: req.appId, method: method.id, input, request: req.request })) {
              identified = await method.identify(ctx, input);
              break;
            }
          }
        } catch (err) {
          await attempt?.release().catch(() => undefined);
          throw err;
        }
      }

      let outcome: Awaited<ReturnType<LoginMethod['verify']>>;
      try {
        outcome = external ?? (await method.verify(ctx, input, identified));
      } catch (err) {
        await attempt?.release().catch(() => undefined);
        if (isAppError(err)) await refuse(err.code, identified.user?.id ?? null);
        throw err;
      }

      if (outcome.status === 'failed') {
        await (outcome.countsAsFailure ? attempt?.failed() : attempt?.release());
        await refuse(outcome.error, identified.user?.id ?? null);
        throw await clientError(req.poolId, outcome.clientError ?? outcome.error);
      }
      await attempt?.succeeded();

      let user = outcome.status === 'authenticated' ? outcome.user : null;
      let amr = outcome.status === 'authenticated' ? outcome.amr : [...method.amr];
      if (outcome.status === 'no_account') {
        // The proof holds (a code reached this phone): only now may the caller learn no account holds it.
        if (!opts.autoRegister) {
          await refuse('user.not_found', null);
          throw new AppError('user.not_found');
        }
        const { registerMethod, ...account } = outcome.proposal;
        const created = await register({ poolId: req.poolId, appId: req.appId, input: { ...account, ...(opts.customData ? { profile: { customData: opts.customData } } : {}) }, registerMethod, via: 'autoRegister', request: req.request });
        const again = await method.identify(ctx, input);
        user = again.user;
        if (!user || user.id !== created.userId) throw new AppError('user.not_found');
        amr = outcome.proposal.verified?.phone ? ['sms'] : ['otp'];
      }
      if (!user) throw new AppError('user.not_found');
      if (isUserDisabled(user)) {
        await refuse('user.disabled', user.id);
        throw new AppError('user.disabled');
      }
      // An account registered by this sign-in got the data with its creation.
      if (opts.customData && Object.keys(opts.customData).length && outcome.status === 'authenticated' && !registeredNow && deps.setSignInData) {
        await deps.setSignInData(req.poolId, user.id, opts.customData);
      }
      if (outcome.status === 'authenticated' && outcome.after) {
        await outcome.after().catch((err: unknown) => deps.log.error({ err, userId: user.id }, `${method.id}: post-authentication update failed`));
      }

      const now = Date.now();
      const flow: FlowRecord = {
        id: '',
        poolId: req.poolId,
        appId: req.appId,
        protocol: req.protocol,
        target: req.target,
        request: req.request,
        options: { ...(opts.context ? { context: opts.context } : {}), ...(opts.historyLabel ? { historyLabel: opts.historyLabel } : {}), ...(opts.mfa ? { mfa: opts.mfa } : {}) },
        method: method.id,
        userId: user.id,
        amr,
        authTime: outcome.status === 'authenticated' && outcome.authTime ? outcome.authTime : Math.floor(now / 1000),
        keys: identified.keys,
        done: [],
        pending: null,
        data: {},
        createdAt: now,
        expiresAt: now + FLOW_TTL_MS,
      };
      return advance(flow, null);
    },

    /**
     * The caller's answer to the step a flow waits for (a second factor, a completed profile …).
     * `binding` is checked against the flow: the app that started it (API) or the interaction.
     */
    async continue(poolId: string, flowToken: unknown, e: { step?: string | undefined; input: unknown; appId: string | null; request: RequestInfo; finishes: readonly FinishTarget['kind'][] }): Promise<SignInResult> {
      const flow = await deps.flows.load(poolId, flowToken);
      // Bound to the app that started it and to its channel: an API caller cannot finish a hosted-login flow, nor the reverse.
      if (flow.appId !== e.appId || !e.finishes.includes(flow.target.kind)) throw new AppError('flow.binding_mismatch');
      if (!flow.pending || (e.step && e.step !== flow.pending)) throw new AppError('flow.step_mismatch');
      const step = deps.steps.find((s) => s.id === flow.pending);
      if (!step?.answer) throw new AppError('flow.step_mismatch');
      const r = await step.answer(flow, e.input, e.request);
      if (r.status === 'challenge') return park(flow, flowToken as string, step.id, r);
      flow.done.push(step.id);
      flow.pending = null;
      if (r.amr) flow.amr = [...new Set([...flow.amr, ...r.amr])];
      if (r.acr) flow.acr = r.acr;
      return advance(flow, flowToken as string);
    },

    /** The waiting flow of a token (for introspection of MFA tokens and for the hosted pages). */
    peek: (poolId: string, flowToken: unknown) => deps.flows.load(poolId, flowToken),

    /** Ends a waiting flow (a lock reached during a step, a user who cancels). */
    abandon: (poolId: string, flowToken: string) => deps.flows.end(poolId, flowToken),

    redeemLoginCode: deps.finish.redeemLoginCode,
  };
}
export type SignInEngine = ReturnType<typeof createSignInEngine>;
