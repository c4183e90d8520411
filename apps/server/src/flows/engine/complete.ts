import type { ErrorCode } from '@gatehouse/contracts';
import { AppError } from '../../errors/app-error.js';
import type { EventService } from '../../services/events/service.js';
import type { LoginHistoryService } from '../../services/credentials/login-history.js';
import type { LoginCodes } from '../../services/credentials/login-codes.js';
import type { LoginTokenResponseData, TokenIssuer } from '../../services/tokens/types.js';
import { isUserDisabled } from '../../services/users/status.js';
import type { CredentialsRepo } from '../../storage/repositories/credentials.js';
import type { UserRow, UsersRepo } from '../../storage/repositories/users.js';
import type { Logger } from '../../utils/logger.js';
import { nowIso } from '../../utils/time.js';
import type { EngineHooks, Finished, FlowRecord, RequestInfo } from './types.js';

export interface FinishDeps {
  users: Pick<UsersRepo, 'findById'>;
  credentials: Pick<CredentialsRepo, 'recordLogin'>;
  history: Pick<LoginHistoryService, 'record'>;
  events: Pick<EventService, 'emit'>;
  loginCodes: Pick<LoginCodes, 'issue' | 'take'>;
  tokens: () => TokenIssuer;
  hooks: readonly EngineHooks[];
  log: Logger;
}

/**
 * The one finish of every sign-in (design.md §3a): whatever the way in, a sign-in ends here,
 * once, after every policy step. It records the login (count, last login, history), emits the
 * `login` event (audit, metrics and webhooks subscribe) and then issues the token response,
 * hands the result to the OIDC interaction, or parks it behind a login code. Token issuance for
 * a sign-in happens nowhere else: `tokensFor` below is the only caller of `TokenIssuer.issue`.
 */
export function createFinish(deps: FinishDeps) {
  const userRef = (u: UserRow) => ({ userId: u.id, email: u.email, phone: u.phone, username: u.username });

  /** The tokens of a finished sign-in, with the extra claims hooks add (user scripts, custom fields). */
  async function tokensFor(flow: Pick<FlowRecord, 'poolId' | 'appId' | 'userId' | 'amr' | 'acr' | 'authTime'> & Partial<FlowRecord>, scope: string | undefined): Promise<LoginTokenResponseData> {
    if (!flow.appId) throw new AppError('application.not_found');
    let idTokenClaims: Record<string, unknown> | undefined;
    // A sign-in's flow (not a login code redeemed later): its id is empty unless a step parked it.
    if ('done' in flow) {
      for (const h of deps.hooks) {
        const extra = await h.tokenClaims?.(flow as FlowRecord);
        if (extra?.idToken) idTokenClaims = { ...idTokenClaims, ...extra.idToken };
      }
    }
    return deps.tokens().issue({
      poolId: flow.poolId,
      appId: flow.appId,
      userId: flow.userId,
      ...(scope ? { scope } : {}),
      facts: { amr: flow.amr, authTime: flow.authTime, ...(flow.acr ? { acr: flow.acr } : {}) },
      ...(idTokenClaims ? { idTokenClaims } : {}),
    });
  }

  return {
    async complete(flow: FlowRecord): Promise<Finished> {
      const user = await deps.users.findById(flow.poolId, flow.userId);
      // The account may have been deleted or blocked while a step waited.
      if (!user) throw new AppError('user.not_found');
      if (isUserDisabled(user)) throw new AppError('user.disabled');
      const at = nowIso();
      await deps.credentials.recordLogin(flow.poolId, user.id, at, flow.request.ip);
      await deps.history
        .record({ poolId: flow.poolId, userId: user.id, appId: flow.appId, ip: flow.request.ip, userAgent: flow.request.userAgent, method: flow.options.historyLabel ?? flow.method, success: true, requestId: flow.request.requestId })
        .catch((err: unknown) => deps.log.error({ err }, 'login history write failed'));
      await deps.events.emit('login', {
        poolId: flow.poolId,
        actor: user.id,
        subject: user.id,
        ip: flow.request.ip,
        userAgent: flow.request.userAgent,
        requestId: flow.request.requestId,
        data: { ...userRef(user), appId: flow.appId, method: flow.options.historyLabel ?? flow.method, amr: flow.amr, protocol: flow.protocol },
      });
      switch (flow.target.kind) {
        case 'tokens':
          return { kind: 'tokens', userId: user.id, tokens: await tokensFor(flow, flow.target.scope) };
        case 'interaction':
          return { kind: 'interaction', userId: user.id, login: { accountId: user.id, amr: flow.amr, ...(flow.acr ? { acr: flow.acr } : {}), ts: flow.authTime, remember: true } };
        case 'login-code': {
          const loginCode = await deps.loginCodes.issue(flow.poolId, { userId: user.id, amr: flow.amr, authTime: flow.authTime, method: flow.options.historyLabel ?? flow.method, ...(flow.appId ? { appId: flow.appId } : {}) });
          return { kind: 'login-code', userId: user.id, loginCode };
        }
      }
    },

    /** A login code (JitAi `getLoginCode`) → tokens, for the app it was issued for (any app of the pool when it named none). */
    async redeemLoginCode(poolId: string, input: { loginCode: string; appId: string; scope?: string }): Promise<LoginTokenResponseData> {
      const grant = await deps.loginCodes.take(poolId, input.loginCode, input.appId);
      const user = await deps.users.findById(poolId, grant.userId);
      if (!user) throw new AppError('auth.login_code_invalid');
      if (isUserDisabled(user)) throw new AppError('user.disabled');
      return tokensFor({ poolId, appId: input.appId, userId: grant.userId, amr: grant.amr, authTime: grant.authTime }, input.scope);
    },

    /** A refused sign-in: history and the `login:failed` security event. */
    async failed(e: { poolId: string; appId: string | null; userId: string | null; method: string; request: RequestInfo; protocol: FlowRecord['protocol']; code: ErrorCode }): Promise<void> {
      await deps.history
        .record({ poolId: e.poolId, userId: e.userId, appId: e.appId, ip: e.request.ip, userAgent: e.request.userAgent, method: e.method, success: false, code: e.code, requestId: e.request.requestId })
        .catch((err: unknown) => deps.log.error({ err }, 'login history write failed'));
      await deps.events.emit('login:failed', {
        poolId: e.poolId,
        actor: e.userId,
        subject: e.userId,
        result: 'failure',
        ip: e.request.ip,
        userAgent: e.request.userAgent,
        requestId: e.request.requestId,
        data: { userId: e.userId, appId: e.appId, method: e.method, reason: e.code, protocol: e.protocol },
      });
    },
  };
}
export type Finish = ReturnType<typeof createFinish>;
