import { isAppError } from '../errors/app-error.js';
import type { ExchangeCaller, PollResult, QrCodeService } from '../services/qrcode/service.js';
import type { LoginTokenResponseData } from '../services/tokens/types.js';
import type { UserRow, UsersRepo } from '../storage/repositories/users.js';
import { challengeError } from './engine/challenge-error.js';
import type { SignInEngine } from './engine/engine.js';
import type { RequestInfo } from './engine/types.js';

export interface QrSignedIn {
  user: UserRow;
  tokens: LoginTokenResponseData;
  appId: string;
}

/**
 * The web side of QR-code login ends in the sign-in engine: the QR service decides who may
 * redeem a ticket, then the engine signs in with the `qrcode` login method (which consumes the
 * ticket), runs the policy steps and issues the tokens in its one finish.
 */
export function createQrCodeSignIn(deps: { qr: QrCodeService; engine: SignInEngine; users: Pick<UsersRepo, 'findById'> }) {
  async function redeem(poolId: string, appId: string, ticket: string, request: RequestInfo): Promise<QrSignedIn> {
    const r = await deps.engine.signIn({ poolId, appId, method: 'qrcode', input: { ticket }, inputPath: 'body', request, protocol: 'qrcode', target: { kind: 'tokens' } });
    if (r.status === 'challenge') throw challengeError(r);
    if (r.kind !== 'tokens') throw new Error('qrcode sign-in must finish with tokens');
    const user = await deps.users.findById(poolId, r.userId);
    if (!user) throw new Error('signed-in user vanished');
    return { user, tokens: r.tokens, appId };
  }

  return {
    /** `exchange-tokenset-with-qrcode-ticket` and the seed's `userinfo`: ticket → tokens, once. */
    async exchange(ticket: string, caller: ExchangeCaller, request: RequestInfo): Promise<QrSignedIn> {
      const { poolId, appId } = await deps.qr.authorizeExchange(ticket, caller);
      return redeem(poolId, appId, ticket, request);
    },

    /** The web side's status query; in full-info mode the first poll after confirmation signs in. */
    async poll(id: string, callerPool: string | undefined, request: RequestInfo): Promise<PollResult & { full?: QrSignedIn }> {
      const p = await deps.qr.poll(id, callerPool);
      if (!p.redeemable) return p;
      try {
        return { ...p, full: await redeem(p.record.poolId, p.redeemable.appId, p.redeemable.ticket, request) };
      } catch (err) {
        // Another poll consumed the ticket first: this one reports the status without tokens.
        if (isAppError(err) && err.code === 'qrcode.ticket_invalid') return { record: p.record, status: p.status };
        throw err;
      }
    },
  };
}
export type QrCodeSignIn = ReturnType<typeof createQrCodeSignIn>;
