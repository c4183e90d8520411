import { Type, type Static } from '@sinclair/typebox';

/** Verify input of the password method: the reference SignInByPasswordPayloadDto. */
export const PasswordVerifySchema = Type.Object(
  {
    password: Type.String({ minLength: 1, maxLength: 4096 }),
    account: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
    email: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    phoneCountryCode: Type.Optional(Type.String({ maxLength: 16 })),
  },
  { additionalProperties: false },
);
export type PasswordVerifyInput = Static<typeof PasswordVerifySchema>;
