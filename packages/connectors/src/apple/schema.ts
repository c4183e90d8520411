import { commonSocialFields, type WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** Fields of an `apple:web` / `apple` connection (Apple Developer → Certificates, Identifiers & Profiles). */
export const AppleConfigSchema = Type.Object(
  {
    clientId: Type.String({ minLength: 1, maxLength: 200, description: 'Services ID used for web sign-in (e.g. com.example.signin)' }),
    teamId: Type.String({ pattern: '^[A-Z0-9]{10}$', description: 'Apple Developer Team ID' }),
    keyId: Type.String({ pattern: '^[A-Z0-9]{10}$', description: 'Key ID of the "Sign in with Apple" private key' }),
    privateKey: Type.String({ minLength: 100, maxLength: 5000, description: 'The .p8 private key (PEM, PKCS #8, P-256) (secret)' }),
    scopes: Type.String({ default: 'name email', maxLength: 100, description: 'name and/or email' }),
    bundleIds: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
      default: [],
      maxItems: 20,
      description: 'App IDs (bundle identifiers) of native apps whose authorization codes the apple (native) type accepts',
    }),
    ...commonSocialFields,
  },
  { additionalProperties: false },
);
export type AppleConfig = Static<typeof AppleConfigSchema>;
export type AppleConfigInput = WithDefaults<AppleConfig, 'scopes' | 'bundleIds' | 'timeoutMs'>;

/** The `user` form field Apple posts on a user's first authorization only (not signed). */
export const AppleUserFieldSchema = Type.Object(
  {
    name: Type.Optional(Type.Object({ firstName: Type.Optional(Type.String({ maxLength: 200 })), lastName: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: true })),
    email: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

/** `apple` native payload: what ASAuthorizationAppleIDCredential hands the app. */
export const AppleMobilePayloadSchema = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 4096 }),
  /** The bundle id the code was issued to (one of bundleIds); default the first. */
  bundleId: Type.Optional(Type.String({ maxLength: 200 })),
  /** The nonce the app passed to Apple (as passed: apps usually pass its SHA-256). */
  nonce: Type.Optional(Type.String({ maxLength: 500 })),
  /** fullName from the credential, first authorization only. */
  user: Type.Optional(Type.Union([Type.String({ maxLength: 5000 }), AppleUserFieldSchema])),
});
