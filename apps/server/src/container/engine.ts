import { createSignInEngine, type SignInEngine } from '../flows/engine/engine.js';
import { createFinish } from '../flows/engine/complete.js';
import { createFlowStore } from '../flows/engine/flow-store.js';
import type { EngineHooks, PolicyStep } from '../flows/engine/types.js';
import { createQrCodeSignIn } from '../flows/qrcode-sign-in.js';
import { challengeError } from '../flows/engine/challenge-error.js';
import { createLoginMethodRegistry } from '../login-methods/registry.js';
import type { LoginMethod } from '../login-methods/types.js';
import type { DirectoryMethodDeps } from '../login-methods/directory/index.js';
import type { ElementSignIn } from '../login-methods/jitai/password-type.js';
import type { LoginTypeDefinition } from '../login-methods/jitai/instance-schema.js';
import type { ApplicationsService } from '../services/applications.js';
import type { LoginCodes } from '../services/credentials/login-codes.js';
import type { EventService } from '../services/events/service.js';
import type { QrCodeService } from '../services/qrcode/service.js';
import type { TokenIssuer } from '../services/tokens/types.js';
import type { Webauthn } from '../services/mfa/webauthn.js';
import type { KvStore } from '../storage/kv/types.js';
import type { UsersRepo } from '../storage/repositories/users.js';
import { nowIso } from '../utils/time.js';
import type { Logger } from '../utils/logger.js';
import type { Authentication } from './authentication.js';
import type { PasscodeFlows } from './passcodes.js';
import type { SocialMethodDeps } from '../login-methods/social/index.js';

/** What tests and later features plug into the engine: extra login methods, policy steps, hooks. */
export interface EngineExtensions {
  loginMethods?: readonly LoginMethod<never>[];
  steps?: readonly PolicyStep[];
  hooks?: readonly EngineHooks[];
}

/**
 * Builds the login-method registry and the sign-in engine (design.md §3a) from the services
 * the rest of the container made. `tokens` is lazy: the OIDC graph that implements it is built
 * after this.
 */
export function createEngineGraph(deps: {
  authn: Authentication;
  kv: KvStore;
  usersRepo: UsersRepo;
  passcodes: PasscodeFlows;
  qrcode: QrCodeService;
  loginCodes: LoginCodes;
  applications: Pick<ApplicationsService, 'signInConfig'>;
  events: EventService;
  jitaiDefinition: (poolId: string, name: string) => Promise<LoginTypeDefinition>;
  tokens: () => TokenIssuer;
  /** LDAP / AD sign-in (container/directory.ts). */
  directory: DirectoryMethodDeps;
  /** Passkeys (the MFA area), for the passwordless `webauthn` method. */
  webauthn: () => Pick<Webauthn, 'ownerOf' | 'login'>;
  log: Logger;
  extensions?: EngineExtensions;
  /** The identity-provider method's dependencies (container/federation.ts). */
  social?: SocialMethodDeps;
  /**
   * The user as the finish of a sign-in reads it (deleted or blocked while a step waited?): the
   * claims cache (oidc/account-cache.ts), which every write that can change the account drops on
   * every node, so the token issue right after reads the same entry instead of the database again.
   */
  accountUsers?: Pick<UsersRepo, 'findById'>;
  /** Merges a sign-in's `options.customData` into the user (checked against the custom fields). */
  setSignInData?: (poolId: string, userId: string, data: Record<string, unknown>) => Promise<void>;
}) {
  const { authn } = deps;
  const methods = createLoginMethodRegistry(
    {
      password: {
        hasher: authn.hasher,
        findUser: (poolId, column, value) => deps.usersRepo.findBy(poolId, column, value),
        rehash: async (poolId, userId, password) => {
          await authn.credentials.setPasswordHash(poolId, userId, await authn.hasher.hash(password), nowIso(), { keepSetAt: true });
        },
      },
      passcode: {
        users: deps.usersRepo,
        codes: deps.passcodes.codes,
        maxAttempts: async (poolId) => (await deps.passcodes.settings.get(poolId)).maxAttempts,
        registration: async (poolId) => (await authn.settings.get(poolId)).registration,
      },
      qrcode: { takeTicket: (poolId, ticket) => deps.qrcode.takeTicket(poolId, ticket), users: deps.usersRepo },
      jitai: { definition: deps.jitaiDefinition },
      directory: deps.directory,
      ...(deps.social ? { social: deps.social } : {}),
      webauthn: { webauthn: deps.webauthn, users: deps.usersRepo },
    },
    deps.extensions?.loginMethods ?? [],
  );
  const hooks = deps.extensions?.hooks ?? [];
  const finish = createFinish({
    users: deps.accountUsers ?? deps.usersRepo,
    credentials: authn.credentials,
    history: authn.history,
    events: deps.events,
    loginCodes: deps.loginCodes,
    tokens: deps.tokens,
    hooks,
    log: deps.log,
  });
  const engine: SignInEngine = createSignInEngine({
    methods,
    steps: deps.extensions?.steps ?? [],
    hooks,
    guard: authn.guard,
    flows: createFlowStore(deps.kv),
    finish,
    settings: authn.settings,
    createAccount: authn.createAccount,
    appRegisterMethods: async (poolId, appId) => {
      const app = await deps.applications.signInConfig(poolId, appId);
      const methodsOf = (app?.registerConfig as { enabledBasicRegisterMethods?: unknown } | undefined)?.enabledBasicRegisterMethods;
      return app ? (Array.isArray(methodsOf) ? (methodsOf as string[]) : []) : null;
    },
    onRegistered: async (poolId, user, e) => {
      await deps.events.emit('register', {
        poolId,
        actor: user.userId,
        subject: user.userId,
        ip: e.request.ip,
        userAgent: e.request.userAgent,
        requestId: e.request.requestId,
        data: { userId: user.userId, email: user.email ?? null, phone: user.phone ?? null, username: user.username ?? null, appId: e.appId, method: e.method },
      });
    },
    ...(deps.setSignInData ? { setSignInData: deps.setSignInData } : {}),
    log: deps.log,
  });

  /** The JitAi element's sign-in: the `jitai` method, finishing with a login code. */
  const elementSignIn = async (i: ElementSignIn): Promise<{ loginCode: string; userId: string }> => {
    const r = await engine.signIn({
      poolId: i.poolId,
      appId: i.appId,
      method: 'jitai',
      input: { instance: i.instance, username: i.username, password: i.password },
      request: { ip: i.ip, userAgent: i.userAgent, requestId: null },
      protocol: 'element',
      options: { ...(i.captcha ? { captcha: i.captcha } : {}), captchaEveryTime: i.captchaEveryTime, historyLabel: i.historyLabel },
      target: { kind: 'login-code' },
    });
    if (r.status === 'challenge') throw challengeError(r);
    if (r.kind !== 'login-code') throw new Error('element sign-in must finish with a login code');
    return { loginCode: r.loginCode, userId: r.userId };
  };

  const qrcodeSignIn = createQrCodeSignIn({ qr: deps.qrcode, engine, users: deps.usersRepo });
  return { methods, engine, elementSignIn, qrcodeSignIn };
}
