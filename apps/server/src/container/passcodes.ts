import type { Kysely } from 'kysely';
import type { Config } from '../config/schema.js';
import type { Logger } from '../utils/logger.js';
import type { EventService } from '../services/events/service.js';
import type { RegisterRequest } from '../flows/engine/engine.js';
import { createMessaging } from '../services/messaging/index.js';
import { createMessagingRepo } from '../storage/repositories/messaging.js';
import { createPasscodes } from '../services/passcodes/codes.js';
import { createSendQuotas } from '../services/passcodes/quotas.js';
import { createMessagingSettingsService, type MessagingSettings } from '../services/passcodes/settings.js';
import type { UserDto, UsersService } from '../services/users.js';
import type { Database } from '../storage/db/schema.js';
import type { KvStore } from '../storage/kv/types.js';
import type { UsersRepo } from '../storage/repositories/users.js';
import type { SecretBox } from '../utils/crypto.js';
import type { Authentication } from './authentication.js';
import { createContactBinding } from '../flows/passcodes/binding.js';
import { createRegistrationMails } from '../flows/passcodes/registration-mails.js';
import { createResetCodeVerifier } from '../flows/passcodes/reset-verifier.js';
import { createSendPasscode } from '../flows/passcodes/send.js';
import { createPasscodeSignUp } from '../flows/passcodes/sign-up.js';
import type { PasscodeFlowDeps } from '../flows/passcodes/types.js';

/** Server-wide defaults of the per-pool messaging settings, from the config. */
export function messagingDefaults(c: Config): MessagingSettings {
  return {
    codeLength: c.passcodeLength,
    codeTtlSeconds: c.passcodeTtlSeconds,
    maxAttempts: c.passcodeMaxAttempts,
    quotas: {
      recipientPerMinute: c.sendLimitPerMinute,
      recipientPerHour: c.sendLimitPerHour,
      recipientPerDay: c.sendLimitPerDay,
      ipPerHour: c.sendLimitIpPerHour,
      poolPerHour: c.sendLimitPoolPerHour,
      poolPerDay: c.sendLimitPoolPerDay,
    },
    captchaBeforeSend: false,
    welcomeEmail: false,
    verificationEmail: false,
    defaultLang: 'en',
  };
}

/**
 * Builds issue #5's graph: messaging (connectors, providers, templates, outbox), codes,
 * quotas, settings and the flows that use codes. Called once by the container; `close`
 * stops the outbox worker and closes connector transports.
 */
export async function createPasscodeFlows(deps: {
  config: Config;
  db: Kysely<Database>;
  kv: KvStore;
  box: SecretBox;
  log: Logger;
  events: EventService;
  /** The engine's registration (lazy: the engine is built after this graph). */
  register: (r: RegisterRequest) => Promise<UserDto>;
  authn: Authentication;
  users: UsersRepo;
  usersService: UsersService;
  appName: (poolId: string, appId?: string) => Promise<string>;
}) {
  const messaging = await createMessaging({ repo: createMessagingRepo(deps.db), box: deps.box, log: deps.log, config: deps.config });
  const settings = createMessagingSettingsService(messaging.repo, messagingDefaults(deps.config));
  const d: PasscodeFlowDeps = {
    kv: deps.kv,
    box: deps.box,
    log: deps.log,
    codes: createPasscodes(deps.kv, deps.box),
    quotas: createSendQuotas(deps.kv),
    settings,
    authSettings: deps.authn.settings,
    messaging,
    captcha: deps.authn.captcha,
    guard: deps.authn.guard,
    events: deps.events,
    users: deps.users,
    usersService: deps.usersService,
    credentials: deps.authn.credentials,
    passwords: deps.authn.passwords,
    register: deps.register,
    appName: deps.appName,
    publicUrl: deps.config.publicUrl,
  };
  const registrationMails = createRegistrationMails(d);
  deps.authn.createAccount.onRegistered((poolId, user) => registrationMails.onRegistered(poolId, user));
  messaging.outbox.start();
  return {
    messaging,
    settings,
    send: createSendPasscode(d),
    codes: d.codes,
    signUp: createPasscodeSignUp(d),
    binding: createContactBinding(d),
    verifyResetCode: createResetCodeVerifier(d),
    registrationMails,
    close: () => messaging.close(),
  };
}
export type PasscodeFlows = Awaited<ReturnType<typeof createPasscodeFlows>>;
