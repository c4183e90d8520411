import type { AppError } from '../../errors/app-error.js';
import { isAppError } from '../../errors/app-error.js';
import type { CodeBinding } from '../../services/passcodes/codes.js';
import type { PasscodeFlowDeps, Requester } from './types.js';

/**
 * Code entry under the engine's attempt guard (security.md §0 item 9: every pathway shares one
 * counter per account and per IP). The per-code limit (burned after maxAttempts) bounds
 * guessing one code; the shared counters bound guessing across many fresh codes, and a locked
 * account refuses even the right code (item 10). `keys` are the counter keys of whoever the code
 * is for: the recipient's normalised identifier, or every identifier of a signed-in user.
 */
export function createCodeCheck(d: PasscodeFlowDeps) {
  return async function checkCode(poolId: string, b: CodeBinding, code: string, keys: string[], who: Pick<Requester, 'ip'>): Promise<void> {
    const maxAttempts = (await d.settings.get(poolId)).maxAttempts;
    let refused: AppError | undefined;
    await d.guard.run(poolId, { keys, ip: who.ip }, async () => {
      try {
        await d.codes.verify(poolId, b, code, { maxAttempts });
        return { ok: true, value: undefined };
      } catch (err) {
        if (isAppError(err) && (err.code === 'passcode.invalid' || err.code === 'passcode.burned')) {
          refused = err;
          return { ok: false, value: undefined };
        }
        throw err;
      }
    });
    if (refused) throw refused;
  };
}
export type CodeCheck = ReturnType<typeof createCodeCheck>;
