import type { ErrorCode } from '@gatehouse/contracts';

/** Catalogued errors the password method may raise (the flow maps and counts them). */
export const passwordMethodErrors = ['auth.invalid_credentials', 'user.not_found', 'user.wrong_password', 'auth.payload_required'] as const satisfies readonly ErrorCode[];

/** Why a password verification failed: internal only, never sent (the flow decides what the client sees). */
export type PasswordFailure = 'unknown_account' | 'no_password' | 'wrong_password';
