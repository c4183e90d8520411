import { commonSocialFields, type WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** Fields of a `facebook` connection (Meta for Developers → My Apps → Facebook Login). */
export const FacebookConfigSchema = Type.Object(
  {
    clientId: Type.String({ pattern: '^[0-9]{5,30}$', description: 'App ID' }),
    clientSecret: Type.String({ minLength: 1, maxLength: 500, description: 'App Secret (secret)' }),
    scopes: Type.String({ default: 'public_profile email', maxLength: 1000, description: 'Permissions; public_profile is always asked' }),
    ...commonSocialFields,
  },
  { additionalProperties: false },
);
export type FacebookConfig = Static<typeof FacebookConfigSchema>;
export type FacebookConfigInput = WithDefaults<FacebookConfig, 'scopes' | 'timeoutMs'>;

/** Graph API error (https://developers.facebook.com/docs/graph-api/guides/error-handling). */
export const GraphErrorSchema = Type.Object({
  error: Type.Object({ message: Type.Optional(Type.String()), type: Type.Optional(Type.String()), code: Type.Optional(Type.Number()), error_subcode: Type.Optional(Type.Number()) }, { additionalProperties: true }),
});

/** /me?fields=id,name,first_name,last_name,email,picture. */
export const FacebookMeSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[0-9]+$' }),
    name: Type.Optional(Type.String()),
    first_name: Type.Optional(Type.String()),
    last_name: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    picture: Type.Optional(Type.Object({ data: Type.Optional(Type.Object({ url: Type.Optional(Type.String()), is_silhouette: Type.Optional(Type.Boolean()) }, { additionalProperties: true })) }, { additionalProperties: true })),
  },
  { additionalProperties: true },
);

/** /debug_token (https://developers.facebook.com/docs/graph-api/reference/debug_token). */
export const DebugTokenSchema = Type.Object({
  data: Type.Object({ app_id: Type.Optional(Type.String()), is_valid: Type.Boolean(), user_id: Type.Optional(Type.String()), type: Type.Optional(Type.String()) }, { additionalProperties: true }),
});

export const FacebookMobilePayloadSchema = Type.Union([
  Type.Object({ accessToken: Type.String({ minLength: 1, maxLength: 2000 }) }),
  Type.Object({ code: Type.String({ minLength: 1, maxLength: 4096 }), redirectUri: Type.Optional(Type.String({ maxLength: 2048 })) }),
]);
