import type { UserRow, UsersRepo } from '../../storage/repositories/users.js';
import type { LoginMethod, MethodOutcome } from '../types.js';
import { qrcodeMethodErrors } from './errors.js';
import { QrTicketSchema, type QrTicketInput } from './schema.js';

export interface QrCodeMethodDeps {
  /** Consumes a ticket of this pool atomically: the user who confirmed and when. */
  takeTicket(poolId: string, ticket: string): Promise<{ userId: string; authTime: number } | null>;
  users: Pick<UsersRepo, 'findById'>;
}

/**
 * QR-code scan as a way in (services/qrcode: a signed-in mobile app scans and confirms, the web
 * side gets a single-use ticket). The proof is the ticket: 256 random bits, single use, bound to
 * its pool, short-lived — it cannot be guessed, so the attempt guard does not apply; the mobile
 * user's own sign-in was guarded. The caller checks (which app or backend may redeem) happen in
 * the QR service before the engine runs. `amr` is `qr` (not an RFC 8176 value: the authentication
 * happened on the phone; `authTime` is the confirmation).
 */
export function createQrCodeMethod(deps: QrCodeMethodDeps) {
  return {
    id: 'qrcode',
    factor: 'possession',
    amr: ['qr'],
    inputSchema: QrTicketSchema,
    errors: qrcodeMethodErrors,
    guarded: false,
    describe: () => ({ id: 'qrcode', factor: 'possession' as const, amr: ['qr'], label: { en: 'Scan with the app', zh: '扫码登录' }, fields: [] }),
    async identify() {
      return { user: null, keys: [] };
    },
    async verify(ctx: { poolId: string }, input: QrTicketInput): Promise<MethodOutcome> {
      const t = await deps.takeTicket(ctx.poolId, input.ticket);
      if (!t) return { status: 'failed', error: 'qrcode.ticket_invalid', countsAsFailure: false };
      const user: UserRow | undefined = await deps.users.findById(ctx.poolId, t.userId);
      if (!user) return { status: 'failed', error: 'user.not_found', countsAsFailure: false };
      return { status: 'authenticated', user, amr: ['qr'], authTime: t.authTime };
    },
  } satisfies LoginMethod<QrTicketInput>;
}
