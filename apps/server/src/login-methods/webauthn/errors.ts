import type { ErrorCode } from '@gatehouse/contracts';

/** Catalogued errors of the passkey method. */
export const webauthnMethodErrors = ['webauthn.ticket_invalid', 'webauthn.verification_failed', 'user.not_found'] as const satisfies readonly ErrorCode[];
