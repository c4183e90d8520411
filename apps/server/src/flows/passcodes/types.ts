import type { Logger } from '../../utils/logger.js';
import type { AuditService } from '../../services/audit.js';
import type { CaptchaService } from '../../services/captcha.js';
import type { AuthSettingsService } from '../../services/credentials/settings.js';
import type { LoginHistoryService } from '../../services/credentials/login-history.js';
import type { PasswordsService } from '../../services/credentials/passwords.js';
import type { Messaging } from '../../services/messaging/index.js';
import type { Passcodes } from '../../services/passcodes/codes.js';
import type { SendQuotasService } from '../../services/passcodes/quotas.js';
import type { MessagingSettingsService } from '../../services/passcodes/settings.js';
import type { UsersService } from '../../services/users.js';
import type { KvStore } from '../../storage/kv/types.js';
import type { UsersRepo } from '../../storage/repositories/users.js';
import type { CredentialsRepo } from '../../storage/repositories/credentials.js';
import type { SecretBox } from '../../utils/crypto.js';
import type { Lockout } from '../lockout.js';
import type { Registration } from '../registration.js';

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
  lockout: Lockout;
  history: LoginHistoryService;
  audit: AuditService;
  users: UsersRepo;
  usersService: UsersService;
  credentials: CredentialsRepo;
  passwords: PasswordsService;
  register: Registration;
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
