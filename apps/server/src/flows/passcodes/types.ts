import type { Logger } from '../../utils/logger.js';
import type { EventService } from '../../services/events/service.js';
import type { CaptchaService } from '../../services/captcha.js';
import type { AuthSettingsService } from '../../services/credentials/settings.js';
import type { PasswordsService } from '../../services/credentials/passwords.js';
import type { Messaging } from '../../services/messaging/index.js';
import type { Passcodes } from '../../services/passcodes/codes.js';
import type { SendQuotasService } from '../../services/passcodes/quotas.js';
import type { MessagingSettingsService } from '../../services/passcodes/settings.js';
import type { UserDto, UsersService } from '../../services/users.js';
import type { KvStore } from '../../storage/kv/types.js';
import type { UsersRepo } from '../../storage/repositories/users.js';
import type { CredentialsRepo } from '../../storage/repositories/credentials.js';
import type { SecretBox } from '../../utils/crypto.js';
import type { AttemptGuard } from '../engine/attempt-guard.js';
import type { RegisterRequest } from '../engine/engine.js';

/** What the passcode flows (issue #5) are built from; the container supplies it once. */
export interface PasscodeFlowDeps {
  kv: KvStore;
  box: SecretBox;
  log: Logger;
  codes: Passcodes;
  quotas: SendQuotasService;
  settings: MessagingSettingsService;
  authSettings: AuthSettingsService;
  messaging: Messaging;
  captcha: CaptchaService;
  guard: AttemptGuard;
  events: EventService;
  users: UsersRepo;
  usersService: UsersService;
  credentials: CredentialsRepo;
  passwords: PasswordsService;
  /** The engine's registration (switches, hooks, events). */
  register: (r: RegisterRequest) => Promise<UserDto>;
  /** Display name used in messages ({{appName}}): the application's name, else the pool's. */
  appName: (poolId: string, appId?: string) => Promise<string>;
  publicUrl: string;
}

/** Who asks: for quotas, lockout and history. */
export interface Requester {
  ip: string;
  userAgent?: string;
  requestId?: string;
  appId?: string;
  /** Message language from the request, when it named one. */
  lang?: 'en' | 'zh-CN';
}
