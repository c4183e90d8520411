import { Type, type Static } from '@sinclair/typebox';

/**
 * Input of the directory methods: the reference `SignInByAdPayloadDto` / `SignInByLdapPayloadDto`
 * (`sAMAccountName`, `password`; the vendor's signInByLDAP names the account `sAMAccountName`
 * too). `account` is what the hosted login's form sends. The password may be empty here so that
 * the method can refuse it, recorded, before any bind (RFC 4513 §5.1.2).
 */
export const DirectoryInputSchema = Type.Object(
  {
    sAMAccountName: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    account: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    password: Type.String({ maxLength: 4096 }),
  },
  { additionalProperties: false },
);
export type DirectoryInput = Static<typeof DirectoryInputSchema>;

export const accountOf = (p: DirectoryInput): string => p.sAMAccountName ?? p.account ?? '';
