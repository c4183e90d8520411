import type { Kysely } from 'kysely';
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../utils/logger.js';
import type { AuditService } from '../../services/audit.js';
import { createMessaging } from '../../services/messaging/index.js';
import { createPasscodes } from '../../services/passcodes/codes.js';
import { createSendQuotas } from '../../services/passcodes/quotas.js';
import { createMessagingSettingsService, type MessagingSettings } from '../../services/passcodes/settings.js';
import type { UsersService } from '../../services/users.js';
import type { Database } from '../../storage/db/schema.js';
import type { KvStore } from '../../storage/kv/types.js';
import type { UsersRepo } from '../../storage/repositories/users.js';
import type { SecretBox } from '../../utils/crypto.js';
import type { Authentication } from '../authentication.js';
import { createContactBinding } from './binding.js';
import { createRegistrationMails } from './registration-mails.js';
import { createResetCodeVerifier } from './reset-verifier.js';
import { createSendPasscode } from './send.js';
import { createPasscodeSignIn } from './sign-in.js';
import { createPasscodeSignUp } from './sign-up.js';
import type { PasscodeFlowDeps } from './types.js';

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
  audit: AuditService;
  authn: Authentication;
  users: UsersRepo;
  usersService: UsersService;
  appName: (poolId: string, appId?: string) => Promise<string>;
}) {
  const messaging = await createMessaging({ db: deps.db, box: deps.box, log: deps.log, config: deps.config });
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
    lockout: deps.authn.lockout,
    history: deps.authn.history,
    audit: deps.audit,
    users: deps.users,
    usersService: deps.usersService,
    credentials: deps.authn.credentials,
    passwords: deps.authn.passwords,
    register: deps.authn.register,
    appName: deps.appName,
    publicUrl: deps.config.publicUrl,
  };
  const registrationMails = createRegistrationMails(d);
  deps.authn.register.onRegistered((poolId, user) => registrationMails.onRegistered(poolId, user));
  messaging.outbox.start();
  return {
    messaging,
    settings,
    send: createSendPasscode(d),
    signIn: createPasscodeSignIn(d),
    signUp: createPasscodeSignUp(d),
    binding: createContactBinding(d),
    verifyResetCode: createResetCodeVerifier(d),
    registrationMails,
    close: () => messaging.close(),
  };
}
export type PasscodeFlows = Awaited<ReturnType<typeof createPasscodeFlows>>;
