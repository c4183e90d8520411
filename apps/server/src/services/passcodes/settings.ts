import { AppError } from '../../errors/app-error.js';
import type { MessagingRepo } from '../../storage/repositories/messaging.js';
import { nowIso } from '../../utils/time.js';

/**
 * Per-pool messaging settings (issue #5): code shape, send quotas, captcha before sending and
 * the registration mails. Defaults come from the server config, a pool overrides any subset;
 * read on every use so all nodes agree without cache invalidation.
 */
export interface SendQuotas {
  /** Per recipient (phone or email) and channel, per minute (the reference: one per minute and channel). */
  recipientPerMinute: number;
  /** Per recipient, all channels, per hour / per day. */
  recipientPerHour: number;
  recipientPerDay: number;
  /** Per client IP, per hour. */
  ipPerHour: number;
  /** Per user pool, per hour and per day: the ceiling that bounds an SMS-pumping bill. */
  poolPerHour: number;
  poolPerDay: number;
}

export interface MessagingSettings {
  /** Digits per code, 6–10 (ASVS 6.5.4: at least 20 bits). */
  codeLength: number;
  /** Lifetime of a code in seconds, 60–600 (ASVS 6.5.5 / NIST: at most 10 minutes). */
  codeTtlSeconds: number;
  /** Wrong entries after which a code is burned, 1–10. */
  maxAttempts: number;
  quotas: SendQuotas;
  /** Require a graphic captcha (captchaToken + captchaCode) on send-sms / send-email. */
  captchaBeforeSend: boolean;
  /** Send a welcome email when a user with an email registers. */
  welcomeEmail: boolean;
  /** Send an email-verification link when a user registers with an unverified email. */
  verificationEmail: boolean;
  /** Language of messages when the request does not say (x-authing-lang / Accept-Language). */
  defaultLang: 'en' | 'zh-CN';
}

export type MessagingSettingsPatch = Partial<Omit<MessagingSettings, 'quotas'>> & { quotas?: Partial<SendQuotas> };

const bad = (reason: string) => new AppError('passcode.invalid_settings', { params: { reason } });

function intIn(v: unknown, name: string, min: number, max: number) {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) throw bad(`${name} must be an integer from ${min} to ${max}`);
}

export function validateMessagingSettings(s: MessagingSettings): MessagingSettings {
  intIn(s.codeLength, 'codeLength', 6, 10);
  intIn(s.codeTtlSeconds, 'codeTtlSeconds', 60, 600);
  intIn(s.maxAttempts, 'maxAttempts', 1, 10);
  const q = s.quotas;
  for (const k of ['recipientPerMinute', 'recipientPerHour', 'recipientPerDay', 'ipPerHour', 'poolPerHour', 'poolPerDay'] as const) intIn(q[k], `quotas.${k}`, 1, 1_000_000);
  for (const k of ['captchaBeforeSend', 'welcomeEmail', 'verificationEmail'] as const) if (typeof s[k] !== 'boolean') throw bad(`${k} must be a boolean`);
  if (s.defaultLang !== 'en' && s.defaultLang !== 'zh-CN') throw bad('defaultLang must be en or zh-CN');
  return s;
}

const KNOWN = new Set(['codeLength', 'codeTtlSeconds', 'maxAttempts', 'quotas', 'captchaBeforeSend', 'welcomeEmail', 'verificationEmail', 'defaultLang']);
const KNOWN_QUOTAS = new Set(['recipientPerMinute', 'recipientPerHour', 'recipientPerDay', 'ipPerHour', 'poolPerHour', 'poolPerDay']);

export function createMessagingSettingsService(repo: MessagingRepo, defaults: MessagingSettings) {
  async function stored(poolId: string): Promise<MessagingSettingsPatch> {
    const raw = await repo.getSettings(poolId);
    return raw ? (JSON.parse(raw) as MessagingSettingsPatch) : {};
  }
  const merge = (base: MessagingSettings, p: MessagingSettingsPatch): MessagingSettings => ({ ...base, ...p, quotas: { ...base.quotas, ...p.quotas } });

  return {
    defaults,
    async get(poolId: string): Promise<MessagingSettings> {
      return merge(defaults, await stored(poolId));
    },
    /** Only the keys a pool sets are stored, so it keeps following the server defaults for the rest. */
    async update(poolId: string, patch: MessagingSettingsPatch): Promise<MessagingSettings> {
      for (const k of Object.keys(patch)) if (!KNOWN.has(k)) throw bad(`unknown setting ${k}`);
      if (patch.quotas !== undefined) {
        if (!patch.quotas || typeof patch.quotas !== 'object') throw bad('quotas must be an object');
        for (const k of Object.keys(patch.quotas)) if (!KNOWN_QUOTAS.has(k)) throw bad(`unknown setting quotas.${k}`);
      }
      const cur = await stored(poolId);
      const next: MessagingSettingsPatch = { ...cur, ...patch, quotas: { ...cur.quotas, ...patch.quotas } };
      const full = validateMessagingSettings(merge(defaults, next));
      await repo.putSettings(poolId, JSON.stringify(next), nowIso());
      return full;
    },
  };
}
export type MessagingSettingsService = ReturnType<typeof createMessagingSettingsService>;
