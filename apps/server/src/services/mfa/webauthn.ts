import { createHash } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { AppError } from '../../errors/app-error.js';
import type { KvStore } from '../../storage/kv/types.js';
import { scopedKv } from '../../storage/kv/scoped.js';
import type { MfaRepo, WebauthnCredentialRow } from '../../storage/repositories/mfa.js';
import type { UserRow } from '../../storage/repositories/users.js';
import { urlSafeSecret } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';
import type { EventService } from '../events/service.js';

/**
 * Passkeys and security keys (WebAuthn Level 2/3) with @simplewebauthn/server, a maintained
 * library that checks origin, RP ID, challenge, flags, signature and counters:
 *  - registration: discoverable credential (resident key) required, user verification required,
 *    attestation `none` (we do not judge authenticator makes; docs/mfa.md);
 *  - passwordless sign-in: empty allow list (the authenticator offers its passkeys), user
 *    verification required — possession plus PIN/biometrics, two factors in one;
 *  - second factor: the user's credentials, user verification preferred (the password was the
 *    knowledge factor).
 * Challenges live five minutes in the KV, single use; the second factor's is bound to its flow.
 * A signature counter that does not move forward is refused (cloned authenticator, §6.1.1), and
 * the stored counter moves with a conditional UPDATE so two parallel uses cannot both pass.
 */
const CHALLENGE_TTL_MS = 5 * 60_000;
const hashed = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64url');
const ticketKey = (ticket: string) => `wa:t:${hashed(ticket)}`;
const flowKey = (flowId: string) => `wa:f:${flowId}`;

interface Pending {
  challenge: string;
  kind: 'register' | 'login' | 'mfa';
  userId?: string;
}

export interface WebauthnConfig {
  /** The relying party: the public URL's host name, and its origin. */
  rpId: string;
  origin: string;
  rpName: (poolId: string) => Promise<string>;
}

export type CredentialDto = { credentialId: string; name: string; deviceType: string; backedUp: boolean; transports: string[]; createdAt: string; lastUsedAt: string | null };

export function createWebauthn(deps: { repo: MfaRepo; kv: KvStore; events: Pick<EventService, 'emit'>; config: WebauthnConfig }) {
  const { rpId, origin } = deps.config;
  const toDto = (r: WebauthnCredentialRow): CredentialDto => ({ credentialId: r.credential_id, name: r.name, deviceType: r.device_type, backedUp: r.backed_up === 1, transports: JSON.parse(r.transports) as string[], createdAt: r.created_at, lastUsedAt: r.last_used_at });
  /** RFC 8176: `swk` for a synced (backed-up, software-held) passkey, `hwk` for a device-bound key. */
  const amrOf = (r: Pick<WebauthnCredentialRow, 'backed_up'>) => (r.backed_up === 1 ? 'swk' : 'hwk');

  async function take(poolId: string, key: string, kind: Pending['kind']): Promise<Pending> {
    const raw = await scopedKv(deps.kv, poolId).take(key);
    const p = raw ? (JSON.parse(raw) as Pending) : null;
    if (!p || p.kind !== kind) throw new AppError('webauthn.ticket_invalid');
    return p;
  }

  async function verifyAssertion(poolId: string, pending: Pending, response: unknown, requireUv: boolean, userId?: string) {
    const r = response as AuthenticationResponseJSON;
    if (!r || typeof r !== 'object' || typeof r.id !== 'string' || r.id.length > 1024) throw new AppError('webauthn.verification_failed');
    const cred = await deps.repo.findCredential(poolId, r.id);
    if (!cred || (userId && cred.user_id !== userId)) return { ok: false as const };
    try {
      const v = await verifyAuthenticationResponse({
        response: r,
        expectedChallenge: pending.challenge,
        expectedOrigin: origin,
        expectedRPID: rpId,
        credential: { id: cred.credential_id, publicKey: Buffer.from(cred.public_key, 'base64url'), counter: Number(cred.counter), transports: JSON.parse(cred.transports) as string[] },
        requireUserVerification: requireUv,
      });
      if (!v.verified) return { ok: false as const };
      if (!(await deps.repo.touchCredential(poolId, cred.credential_id, Number(cred.counter), v.authenticationInfo.newCounter, nowIso()))) return { ok: false as const };
      return { ok: true as const, cred, userVerified: v.authenticationInfo.userVerified };
    } catch {
      // The library throws on a bad signature, origin, RP ID, challenge, flags or a counter going backwards.
      return { ok: false as const };
    }
  }

  return {
    rpId,

    async hasCredentials(poolId: string, userId: string): Promise<boolean> {
      return (await deps.repo.listCredentials(poolId, userId)).length > 0;
    },

    async list(poolId: string, userId: string): Promise<CredentialDto[]> {
      return (await deps.repo.listCredentials(poolId, userId)).map(toDto);
    },

    async rename(poolId: string, userId: string, credentialId: string, name: string): Promise<void> {
      if (!(await deps.repo.renameCredential(poolId, userId, credentialId, name))) throw new AppError('webauthn.credential_not_found');
    },

    async remove(poolId: string, userId: string, credentialId: string): Promise<void> {
      if (!(await deps.repo.deleteCredential(poolId, userId, credentialId))) throw new AppError('webauthn.credential_not_found');
      await deps.repo.revokeDevices(poolId, userId, nowIso());
      await deps.events.emit('mfa:reset', { poolId, actor: userId, subject: userId, data: { userId, factors: ['WEBAUTHN'] } });
    },

    /** Options for `navigator.credentials.create`; `bindTo` ties them to a waiting flow instead of a ticket. */
    async registrationOptions(poolId: string, user: UserRow, bindTo?: string) {
      const existing = await deps.repo.listCredentials(poolId, user.id);
      const options = await generateRegistrationOptions({
        rpName: await deps.config.rpName(poolId),
        rpID: rpId,
        userName: user.email ?? user.username ?? user.phone ?? user.id,
        userID: new TextEncoder().encode(user.id),
        attestationType: 'none',
        excludeCredentials: existing.map((c) => ({ id: c.credential_id, transports: JSON.parse(c.transports) as never })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      });
      const ticket = bindTo ? '' : urlSafeSecret(32);
      await scopedKv(deps.kv, poolId).set(bindTo ? flowKey(`reg:${bindTo}`) : ticketKey(ticket), JSON.stringify({ challenge: options.challenge, kind: 'register', userId: user.id } satisfies Pending), CHALLENGE_TTL_MS);
      return { ticket, options };
    },

    /** Verifies `navigator.credentials.create`'s answer and stores the passkey. */
    async register(poolId: string, userId: string, e: { ticket?: string; bindTo?: string; credential: unknown; name?: string }): Promise<CredentialDto> {
      const pending = await take(poolId, e.bindTo ? flowKey(`reg:${e.bindTo}`) : ticketKey(e.ticket ?? ''), 'register');
      if (pending.userId !== userId) throw new AppError('webauthn.ticket_invalid');
      let info;
      try {
        const v = await verifyRegistrationResponse({ response: e.credential as RegistrationResponseJSON, expectedChallenge: pending.challenge, expectedOrigin: origin, expectedRPID: rpId, requireUserVerification: true });
        if (!v.verified) throw new Error('not verified');
        info = v.registrationInfo;
      } catch (err) {
        throw new AppError('webauthn.verification_failed', { cause: err });
      }
      if (await deps.repo.findCredential(poolId, info.credential.id)) throw new AppError('webauthn.credential_exists');
      const row: WebauthnCredentialRow = {
        pool_id: poolId,
        credential_id: info.credential.id,
        user_id: userId,
        public_key: Buffer.from(info.credential.publicKey).toString('base64url'),
        counter: info.credential.counter,
        transports: JSON.stringify(info.credential.transports ?? []),
        device_type: info.credentialDeviceType,
        backed_up: info.credentialBackedUp ? 1 : 0,
        name: (e.name ?? '').slice(0, 255) || 'Passkey',
        created_at: nowIso(),
        last_used_at: null,
      };
      await deps.repo.insertCredential(row);
      await deps.events.emit('mfa:enrolled', { poolId, actor: userId, subject: userId, data: { userId, factor: 'WEBAUTHN' } });
      return toDto(row);
    },

    /** Passwordless: options with an empty allow list (discoverable credentials), user verification required. */
    async loginOptions(poolId: string) {
      const options = await generateAuthenticationOptions({ rpID: rpId, userVerification: 'required', allowCredentials: [] });
      const ticket = urlSafeSecret(32);
      await scopedKv(deps.kv, poolId).set(ticketKey(ticket), JSON.stringify({ challenge: options.challenge, kind: 'login' } satisfies Pending), CHALLENGE_TTL_MS);
      return { ticket, options };
    },

    /** The credential a passwordless assertion names (identify), without verifying it. */
    async ownerOf(poolId: string, credential: unknown): Promise<string | null> {
      const id = (credential as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' || id.length > 1024) return null;
      return (await deps.repo.findCredential(poolId, id))?.user_id ?? null;
    },

    /** Verifies a passwordless assertion (single-use ticket). */
    async login(poolId: string, ticket: string, credential: unknown): Promise<{ ok: true; userId: string; amr: string[] } | { ok: false }> {
      const pending = await take(poolId, ticketKey(ticket), 'login');
      const r = await verifyAssertion(poolId, pending, credential, true);
      // Possession of the key and user verification on it (PIN or biometrics): multi-factor in itself.
      return r.ok ? { ok: true, userId: r.cred.user_id, amr: [amrOf(r.cred), 'user', 'mfa'] } : { ok: false };
    },

    /** Second factor: options for the user's credentials, bound to the waiting flow. */
    async mfaOptions(poolId: string, userId: string, flowId: string): Promise<Record<string, unknown>> {
      const creds = await deps.repo.listCredentials(poolId, userId);
      const options = await generateAuthenticationOptions({ rpID: rpId, userVerification: 'preferred', allowCredentials: creds.map((c) => ({ id: c.credential_id, transports: JSON.parse(c.transports) as never })) });
      await scopedKv(deps.kv, poolId).set(flowKey(flowId), JSON.stringify({ challenge: options.challenge, kind: 'mfa', userId } satisfies Pending), CHALLENGE_TTL_MS);
      return options as unknown as Record<string, unknown>;
    },

    async mfaVerify(poolId: string, userId: string, flowId: string, assertion: unknown): Promise<{ ok: true; amr: string[] } | { ok: false; error: 'webauthn.verification_failed' }> {
      const pending = await take(poolId, flowKey(flowId), 'mfa');
      if (pending.userId !== userId) throw new AppError('webauthn.ticket_invalid');
      const r = await verifyAssertion(poolId, pending, assertion, false, userId);
      return r.ok ? { ok: true, amr: [amrOf(r.cred)] } : { ok: false, error: 'webauthn.verification_failed' };
    },
  };
}
export type Webauthn = ReturnType<typeof createWebauthn>;
