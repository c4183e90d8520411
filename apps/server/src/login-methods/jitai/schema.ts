import { Type, type Static } from '@sinclair/typebox';

/** Input of the `jitai` login method: which instance, and the instance's username and secret. */
export const JitaiSignInSchema = Type.Object(
  {
    instance: Type.String({ minLength: 1, maxLength: 64 }),
    username: Type.String({ minLength: 1, maxLength: 255 }),
    password: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  { additionalProperties: false },
);
export type JitaiSignInInput = Static<typeof JitaiSignInSchema>;
