import { scopedKv } from '../../storage/kv/scoped.js';
import { urlSafeSecret } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';
import type { UserDto } from '../../services/users.js';
import type { PasscodeFlowDeps } from './types.js';

/**
 * Mails on registration (seeds/001_a3c36f13b3a5cb98.txt: a welcome email, and a verification
 * email for the address; both switchable per pool). They never block or fail a registration:
 * a provider problem is logged and the outbox retries as for codes. The verification link is
 * built from the configured public URL, never from the Host header (security.md §0 item 17);
 * its token is 256 random bits, single use, stored only as a keyed digest.
 */
export const VERIFY_EMAIL_TTL_MS = 24 * 60 * 60 * 1000;
const key = (digest: string) => `everify:${digest}`;

export function createRegistrationMails(d: PasscodeFlowDeps) {
  const digest = (t: string) => d.box.digest(`verify-email|${t}`);
  return {
    async onRegistered(poolId: string, user: UserDto): Promise<void> {
      if (!user.email) return;
      try {
        const s = await d.settings.get(poolId);
        const appName = await d.appName(poolId);
        const base = { kind: 'email' as const, to: user.email, lang: s.defaultLang };
        if (s.welcomeEmail) {
          await d.messaging
            .send(poolId, { ...base, channel: 'WELCOME', variables: { appName, userName: user.nickname ?? user.name ?? user.username ?? user.email }, expiresAt: Date.now() + VERIFY_EMAIL_TTL_MS })
            .catch((err: unknown) => d.log.warn({ err, userId: user.userId }, 'welcome email not sent yet'));
        }
        if (s.verificationEmail && !user.emailVerified) {
          const token = urlSafeSecret(32);
          await scopedKv(d.kv, poolId).set(key(digest(token)), JSON.stringify({ userId: user.userId, email: user.email }), VERIFY_EMAIL_TTL_MS);
          const link = `${d.publicUrl}/email/verify?pool=${encodeURIComponent(poolId)}&token=${token}`;
          await d.messaging
            .send(poolId, { ...base, channel: 'VERIFY_EMAIL', variables: { appName, link, ttlMinutes: String(VERIFY_EMAIL_TTL_MS / 60000) }, expiresAt: Date.now() + VERIFY_EMAIL_TTL_MS })
            .catch((err: unknown) => d.log.warn({ err, userId: user.userId }, 'verification email not sent yet'));
        }
      } catch (err) {
        d.log.error({ err, userId: user.userId }, 'registration mails failed');
      }
    },

    /** The link's target: marks the address verified if it is still the user's. True when it did. */
    async verify(poolId: string, token: string): Promise<boolean> {
      if (typeof token !== 'string' || token.length < 16 || token.length > 128) return false;
      const raw = await scopedKv(d.kv, poolId).take(key(digest(token)));
      if (!raw) return false;
      const v = JSON.parse(raw) as { userId: string; email: string };
      const user = await d.users.findById(poolId, v.userId);
      if (!user || user.email !== v.email) return false;
      await d.users.update(poolId, user.id, { email_verified: 1, updated_at: nowIso() });
      return true;
    },
  };
}
export type RegistrationMails = ReturnType<typeof createRegistrationMails>;
