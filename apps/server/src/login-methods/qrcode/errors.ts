import type { ErrorCode } from '@gatehouse/contracts';

/** Catalogued errors of the QR-scan method. */
export const qrcodeMethodErrors = ['qrcode.ticket_invalid', 'user.not_found'] as const satisfies readonly ErrorCode[];
