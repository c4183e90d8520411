import { Type, type Static } from '@sinclair/typebox';

/** The ticket a confirmed QR code yields (the seed's `ticket`), 256 random bits, single use. */
export const QrTicketSchema = Type.Object({ ticket: Type.String({ minLength: 16, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }) }, { additionalProperties: false });
export type QrTicketInput = Static<typeof QrTicketSchema>;
