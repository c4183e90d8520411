import type { SignInProtocol } from '@gatehouse/contracts';
import type { CustomDatabase } from '../../services/pipeline/custom-database.js';
import type { OwnDatabase } from '../../services/pipeline/own-database.js';
import type { PipelineRunner, SceneOutcome } from '../../services/pipeline/runner.js';
import type { Scene } from '../../services/pipeline/scenes.js';
import type { ScriptClaims } from '../../services/tokens/types.js';
import { PROFILE_COLUMNS, toUserDto, type UserFields } from '../../services/users.js';
import type { UserRow, UsersRepo } from '../../storage/repositories/users.js';
import type { Logger } from '../../utils/logger.js';
import type { EngineHooks, FlowRecord, PolicyStep, RequestInfo } from '../engine/types.js';

/** Identifiers a script may read in `context.request.body`; never a password or a code. */
const BODY_FIELDS = ['email', 'phone', 'phoneCountryCode', 'username', 'account'] as const;
/** What a script may change on the user: profile fields and customData, not identifiers, status or credentials. */
const WRITABLE = new Set<string>([...Object.keys(PROFILE_COLUMNS), 'gender']);
/** Claims a script cannot set: the registered ones of JWT/OIDC and those the server owns. */
const RESERVED_CLAIMS = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'auth_time', 'nonce', 'acr', 'amr', 'azp', 'at_hash', 'c_hash', 's_hash', 'sid', 'scope', 'client_id', 'cnf', 'kind', 'gty']);

export const PIPELINE_STEP_ID = 'pipeline';

function bodyOf(input: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (input && typeof input === 'object') for (const k of BODY_FIELDS) if (typeof (input as Record<string, unknown>)[k] === 'string') out[k] = (input as Record<string, unknown>)[k];
  return out;
}

const claimsOnly = (c: Record<string, unknown>) => Object.fromEntries(Object.entries(c).filter(([k]) => !RESERVED_CLAIMS.has(k)));

/**
 * User scripts at the engine's points (docs/pipeline.md, "Scenes"):
 *  - PRE_AUTHENTICATION: the engine's `beforeAuthentication` hook, on every way in;
 *  - PRE_REGISTER / POST_REGISTER: `beforeRegistration` / `afterRegistration` (sign-up and auto-registration);
 *  - POST_AUTHENTICATION: a policy step, after the proof and before the MFA step (a function may
 *    ask for MFA with `context.requireMfa()`) and the finish;
 *  - PRE_MFA_VERIFY / POST_MFA_VERIFY: the engine's hooks around the MFA step's check of an answer;
 *  - PRE_OIDC_ID_TOKEN_ISSUED: the engine's `tokenClaims` for the direct API, and the OIDC
 *    provider's own ID tokens (hosted login, refresh) through `scriptClaims`;
 *  - PRE_OIDC_ACCESS_TOKEN_ISSUED: every access token the provider issues (`scriptClaims`).
 * A refusal throws the catalogued error from the runner; the engine answers with it.
 */
export function createPipelineHooks(deps: {
  runner: PipelineRunner;
  customDatabase: Pick<CustomDatabase, 'tryImport'>;
  ownDatabase: Pick<OwnDatabase, 'isOwn' | 'verifyPassword' | 'register'>;
  /** The pool's password policy for a new password (the store receives only acceptable ones). */
  assertPassword: (poolId: string, password: string, who: { username: string | null; email: string | null; phone: string | null }) => Promise<void>;
  users: Pick<UsersRepo, 'findById'>;
  updateUser: (poolId: string, input: UserFields & { userId: string }) => Promise<unknown>;
  log: Logger;
}) {
  const { runner } = deps;

  const contextOf = (e: { poolId: string; appId: string | null; scene: Scene; request?: RequestInfo; body: Record<string, unknown>; connection?: string; protocol?: SignInProtocol; context?: Record<string, unknown> | undefined; mfa?: { factorType: string } }) => ({
    scene: e.scene,
    request: { body: e.body, ip: e.request?.ip ?? null, userAgent: e.request?.userAgent ?? null },
    app: e.appId ? { id: e.appId } : null,
    pool: { id: e.poolId },
    connection: e.connection ?? null,
    protocol: e.protocol ?? null,
    context: e.context ?? {},
    ...(e.mfa ? { mfa: e.mfa } : {}),
  });

  const profileOf = (row: UserRow) => toUserDto(row, { withCustomData: true }) as unknown as Record<string, unknown>;
  const identifiersOf = (row: UserRow) => bodyOf({ email: row.email ?? undefined, phone: row.phone ?? undefined, username: row.username ?? undefined });

  /** Writes what the chain changed on the user (profile fields, customData), as one update. */
  async function applyChanges(poolId: string, before: Record<string, unknown>, out: SceneOutcome): Promise<void> {
    const patch: Record<string, unknown> = {};
    const after = out.user ?? {};
    for (const k of WRITABLE) if (after[k] !== undefined && after[k] !== before[k] && (typeof after[k] === 'string' || after[k] === null)) patch[k] = after[k] ?? '';
    const beforeCustom = (before.customData ?? {}) as Record<string, unknown>;
    const afterCustom = after.customData && typeof after.customData === 'object' ? (after.customData as Record<string, unknown>) : {};
    const custom: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(afterCustom)) if (JSON.stringify(v) !== JSON.stringify(beforeCustom[k])) custom[k] = v;
    Object.assign(custom, out.customData);
    if (Object.keys(custom).length) patch.customData = custom;
    if (Object.keys(patch).length) await deps.updateUser(poolId, { userId: before.userId as string, ...(patch as UserFields) });
  }

  /** Runs a scene for a signed-in user; returns null when the pool has nothing there. */
  async function forUser(scene: Scene, poolId: string, appId: string | null, userId: string, ctx: Omit<Parameters<typeof contextOf>[0], 'poolId' | 'appId' | 'scene' | 'body'> & { body?: Record<string, unknown> }): Promise<SceneOutcome | null> {
    if (!(await runner.has(poolId, scene, appId))) return null;
    const row = await deps.users.findById(poolId, userId);
    if (!row) return null;
    const user = profileOf(row);
    const out = await runner.run({ poolId, appId, scene, userId, user, context: contextOf({ poolId, appId, scene, ...ctx, body: ctx.body ?? identifiersOf(row) }) });
    await applyChanges(poolId, user, out);
    return out;
  }

  const accountOf = (i: Record<string, unknown>) => [i.account, i.email, i.username, i.phone].find((v): v is string => typeof v === 'string' && v.length > 0);

  const hooks: EngineHooks = {
    /** "Own database" mode: every password check of the store's accounts asks the pool's `login` script. */
    async externalPassword(e) {
      const i = (e.input ?? {}) as Record<string, unknown>;
      const account = accountOf(i);
      if (!account || typeof i.password !== 'string') return null;
      const r = await deps.ownDatabase.verifyPassword(e.poolId, account, i.password, e.user);
      if (r === null) return null;
      return r ? { status: 'authenticated', user: r, amr: ['pwd'] } : { status: 'failed', error: e.user ? 'user.wrong_password' : 'user.not_found', countsAsFailure: true };
    },
    /** "Own database" mode: a registration's password goes to the store (`getUser`, `create`), never into the account. */
    async externalRegistration(e) {
      const password = e.input.password;
      if (password === undefined || !(await deps.ownDatabase.isOwn(e.poolId))) return null;
      await deps.assertPassword(e.poolId, password, { username: e.input.username ?? null, email: e.input.email ?? null, phone: e.input.phone ?? null });
      const profile = (e.input.profile ?? {}) as Record<string, unknown>;
      const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
      return (userId) => deps.ownDatabase.register(e.poolId, userId, { email: e.input.email, username: e.input.username, phone: e.input.phone, password, nickname: text(profile.nickname), name: text(profile.name) });
    },
    /** Lazy migration from the pool's custom database (password sign-ins of accounts the pool does not have). */
    async unknownAccount(e) {
      const i = (e.input ?? {}) as Record<string, unknown>;
      const account = accountOf(i);
      if (!account || typeof i.password !== 'string') return false;
      return deps.customDatabase.tryImport(e.poolId, account, i.password);
    },
    async beforeAuthentication(e) {
      if (!(await runner.has(e.poolId, 'PRE_AUTHENTICATION', e.appId))) return;
      await runner.run({ poolId: e.poolId, appId: e.appId, scene: 'PRE_AUTHENTICATION', userId: null, user: null, context: contextOf({ ...e, scene: 'PRE_AUTHENTICATION', body: bodyOf(e.input), connection: e.method }) });
    },
    async beforeRegistration(e) {
      if (!(await runner.has(e.poolId, 'PRE_REGISTER', e.appId))) return;
      await runner.run({ poolId: e.poolId, appId: e.appId, scene: 'PRE_REGISTER', userId: null, user: null, context: contextOf({ ...e, scene: 'PRE_REGISTER', body: bodyOf(e.proposal), connection: e.via }) });
    },
    async afterRegistration(e) {
      await forUser('POST_REGISTER', e.poolId, e.appId, e.userId, { request: e.request, connection: e.via });
    },
    /** PRE_MFA_VERIFY: the second factor about to be checked is `context.mfa.factorType`; a refusal refuses the answer. */
    async beforeMfaVerify(flow, e) {
      await forUser('PRE_MFA_VERIFY', flow.poolId, flow.appId, flow.userId, { request: e.request, connection: flow.method, protocol: flow.protocol, context: flow.options.context, mfa: { factorType: e.factorType } });
    },
    /** POST_MFA_VERIFY: after the second factor passed; may change the profile or refuse the sign-in. */
    async afterMfaVerify(flow, e) {
      await forUser('POST_MFA_VERIFY', flow.poolId, flow.appId, flow.userId, { request: e.request, connection: flow.method, protocol: flow.protocol, context: flow.options.context, mfa: { factorType: e.factorType } });
    },
    async tokenClaims(flow: FlowRecord) {
      const earlier = (flow.data[PIPELINE_STEP_ID] as { idToken?: Record<string, unknown> } | undefined)?.idToken ?? {};
      const out = await forUser('PRE_OIDC_ID_TOKEN_ISSUED', flow.poolId, flow.appId, flow.userId, { request: flow.request, connection: flow.method, protocol: flow.protocol, context: flow.options.context });
      const idToken = claimsOnly({ ...earlier, ...(out?.idToken ?? {}) });
      return Object.keys(idToken).length ? { idToken } : undefined;
    },
  };

  const step: PolicyStep = {
    id: PIPELINE_STEP_ID,
    async run(flow) {
      const out = await forUser('POST_AUTHENTICATION', flow.poolId, flow.appId, flow.userId, { request: flow.request, connection: flow.method, protocol: flow.protocol, context: flow.options.context });
      if (out && (Object.keys(out.idToken).length || Object.keys(out.accessToken).length)) flow.data[PIPELINE_STEP_ID] = { idToken: out.idToken };
      // `context.requireMfa()`: this step runs before the MFA step, which then applies (docs/pipeline.md "Asking for MFA").
      if (out?.mfa) flow.mfaRequested = true;
      return { status: 'done' };
    },
  };

  /**
   * PRE_COMPLETE_USER_INFO: the profile-completion step's answer, before it is written. The
   * script sees the submitted values in `context.request.body` and may refuse them
   * (`callback(new Error(…))`) or change the user.
   */
  async function completeUserInfo(e: { poolId: string; appId: string | null; userId: string; values: Record<string, unknown>; request: RequestInfo }): Promise<void> {
    await forUser('PRE_COMPLETE_USER_INFO', e.poolId, e.appId, e.userId, { request: e.request, connection: 'complete-profile', body: e.values });
  }

  /** For the OIDC provider's own issuance (hosted login, refresh): no request of a sign-in is at hand there. */
  const scriptClaims: ScriptClaims = {
    async idToken(e) {
      const out = await forUser('PRE_OIDC_ID_TOKEN_ISSUED', e.poolId, e.appId, e.userId, { protocol: 'oidc' });
      return out ? claimsOnly(out.idToken) : undefined;
    },
    async accessToken(e) {
      const out = await forUser('PRE_OIDC_ACCESS_TOKEN_ISSUED', e.poolId, e.appId, e.userId, { protocol: 'oidc' });
      return out && Object.keys(out.accessToken).length ? claimsOnly(out.accessToken) : undefined;
    },
  };

  return { hooks, step, scriptClaims, completeUserInfo };
}
