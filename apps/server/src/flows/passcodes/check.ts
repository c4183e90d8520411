import { isAppError } from '../../errors/app-error.js';
import type { CodeBinding } from '../../services/passcodes/codes.js';
import type { UserRow } from '../../storage/repositories/users.js';
import { accountKey } from '../password-sign-in.js';
import type { PasscodeFlowDeps, Requester } from './types.js';

/**
 * Code entry under the same brute-force accounting as passwords (security.md §0 item 9: every
 * pathway shares one counter per account and per IP). The per-code limit (burned after
 * maxAttempts) bounds guessing one code; the account counter bounds guessing across many
 * fresh codes, and a locked account refuses even the right code (item 10). Unknown
 * recipients are counted under their identifier, exactly like known accounts.
 */
export function createCodeCheck(d: PasscodeFlowDeps) {
  return async function checkCode(poolId: string, b: CodeBinding, code: string, account: { user: UserRow | null | undefined; identifier: string }, who: Pick<Requester, 'ip'>): Promise<void> {
    const bf = (await d.authSettings.get(poolId)).bruteForce;
    const maxAttempts = (await d.settings.get(poolId)).maxAttempts;
    const keys = { account: accountKey({ user: account.user ?? null, identifier: account.identifier }), ip: who.ip };
    await d.lockout.assertNotLocked(poolId, keys.account, bf);
    const n = await d.lockout.reserve(poolId, keys, bf);
    try {
      await d.codes.verify(poolId, b, code, { maxAttempts });
    } catch (err) {
      if (isAppError(err) && (err.code === 'passcode.invalid' || err.code === 'passcode.burned')) await d.lockout.failed(poolId, keys, n, bf);
      else await d.lockout.release(poolId, keys, bf).catch(() => undefined);
      throw err;
    }
    await d.lockout.succeeded(poolId, keys, bf);
  };
}
export type CodeCheck = ReturnType<typeof createCodeCheck>;
