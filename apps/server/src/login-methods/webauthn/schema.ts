import { Type, type Static } from '@sinclair/typebox';

/** `POST /api/v3/webauthn/login/finalize` (vendor FinalizeWebAuthnLoginDto): the ticket of the options and the assertion as JSON. */
export const PasskeyLoginSchema = Type.Object(
  {
    ticket: Type.String({ minLength: 16, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }),
    credential: Type.Object({ id: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: true }),
  },
  { additionalProperties: false },
);
export type PasskeyLoginInput = Static<typeof PasskeyLoginSchema>;
