import type { ErrorCode } from '@gatehouse/contracts';

/**
 * Catalogued errors of the password method. It returns `user.not_found` / `user.wrong_password`
 * as the specific reason; the engine answers `auth.invalid_credentials` (2333) for both unless
 * the pool opts into the reference's distinct codes.
 */
export const passwordMethodErrors = ['auth.invalid_credentials', 'user.not_found', 'user.wrong_password', 'auth.payload_required'] as const satisfies readonly ErrorCode[];
