import { Type, type Static } from '@sinclair/typebox';

/** The reference SignInByPassCodePayloadDto: the code and the phone (+ country code) or email it was sent to. */
export const PasscodeVerifySchema = Type.Object(
  {
    passCode: Type.String({ minLength: 1, maxLength: 16 }),
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    phoneCountryCode: Type.Optional(Type.String({ maxLength: 8 })),
    email: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  },
  { additionalProperties: false },
);
export type PasscodeVerifyInput = Static<typeof PasscodeVerifySchema>;
