import { commonSocialFields, type WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** Fields of a `twitter` connection (X developer portal → Projects & Apps → User authentication settings, OAuth 2.0). */
export const TwitterConfigSchema = Type.Object(
  {
    clientId: Type.String({ minLength: 1, maxLength: 200, description: 'OAuth 2.0 Client ID' }),
    clientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'OAuth 2.0 Client Secret for a confidential client (secret); omit for a public client' })),
    scopes: Type.String({ default: 'tweet.read users.read', maxLength: 1000, description: 'Scopes; users.read (with tweet.read) is always sent; add users.email for the confirmed email' }),
    ...commonSocialFields,
  },
  { additionalProperties: false },
);
export type TwitterConfig = Static<typeof TwitterConfigSchema>;
export type TwitterConfigInput = WithDefaults<TwitterConfig, 'scopes' | 'timeoutMs'>;

/** GET /2/users/me (https://docs.x.com/x-api/users/user-lookup-me). */
export const XMeSchema = Type.Object({
  data: Type.Object(
    {
      id: Type.String({ pattern: '^[0-9]+$' }),
      name: Type.Optional(Type.String()),
      username: Type.String(),
      profile_image_url: Type.Optional(Type.String()),
      confirmed_email: Type.Optional(Type.String()),
    },
    { additionalProperties: true },
  ),
});
