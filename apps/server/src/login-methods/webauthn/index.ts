import type { Webauthn } from '../../services/mfa/webauthn.js';
import type { UsersRepo } from '../../storage/repositories/users.js';
import type { LoginMethod, MethodOutcome } from '../types.js';
import { webauthnMethodErrors } from './errors.js';
import { PasskeyLoginSchema, type PasskeyLoginInput } from './schema.js';

export interface WebauthnMethodDeps {
  webauthn: () => Pick<Webauthn, 'ownerOf' | 'login'>;
  users: Pick<UsersRepo, 'findById'>;
}

/**
 * Passwordless sign-in with a passkey (discoverable credential, user verification required). The
 * proof is a signature over a single-use challenge by a key that never leaves the authenticator:
 * it cannot be guessed, so the attempt guard does not apply (as for QR tickets). `amr` is
 * `hwk`/`swk` + `user` + `mfa`: possession and user verification, so the MFA step does not ask
 * again. Reached through `/api/v3/webauthn/login/finalize` and the hosted login's passkey tab.
 */
export function createWebauthnMethod(deps: WebauthnMethodDeps) {
  return {
    id: 'webauthn',
    factor: 'possession',
    amr: ['hwk', 'user', 'mfa'],
    inputSchema: PasskeyLoginSchema,
    errors: webauthnMethodErrors,
    guarded: false,
    describe: () => ({ id: 'webauthn', factor: 'possession' as const, amr: ['hwk', 'user', 'mfa'], label: { en: 'Passkey', zh: '通行密钥' }, fields: [] }),
    async identify(ctx: { poolId: string }, input: PasskeyLoginInput) {
      const owner = await deps.webauthn().ownerOf(ctx.poolId, input.credential);
      return { user: owner ? ((await deps.users.findById(ctx.poolId, owner)) ?? null) : null, keys: [] };
    },
    async verify(ctx: { poolId: string }, input: PasskeyLoginInput, identified): Promise<MethodOutcome> {
      const r = await deps.webauthn().login(ctx.poolId, input.ticket, input.credential);
      if (!r.ok || !identified.user || identified.user.id !== r.userId) return { status: 'failed', error: 'webauthn.verification_failed', countsAsFailure: false };
      return { status: 'authenticated', user: identified.user, amr: r.amr };
    },
  } satisfies LoginMethod<PasskeyLoginInput>;
}
