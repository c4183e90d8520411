import { commonSocialFields, type WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** Fields of a `github` connection (an OAuth app: GitHub → Settings → Developer settings → OAuth Apps). */
export const GithubConfigSchema = Type.Object(
  {
    clientId: Type.String({ minLength: 1, maxLength: 200, description: 'OAuth app Client ID' }),
    clientSecret: Type.String({ minLength: 1, maxLength: 500, description: 'OAuth app client secret (secret)' }),
    scopes: Type.String({ default: 'read:user user:email', maxLength: 1000, description: 'Scopes, space separated; user:email is needed to read verified emails' }),
    ...commonSocialFields,
  },
  { additionalProperties: false },
);
export type GithubConfig = Static<typeof GithubConfigSchema>;
export type GithubConfigInput = WithDefaults<GithubConfig, 'scopes' | 'timeoutMs'>;

/** GET /user (https://docs.github.com/en/rest/users/users#get-the-authenticated-user). */
export const GithubUserSchema = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    login: Type.String(),
    name: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    email: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    avatar_url: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  },
  { additionalProperties: true },
);

/** GET /user/emails (https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user). */
export const GithubEmailsSchema = Type.Array(
  Type.Object({ email: Type.String(), primary: Type.Boolean(), verified: Type.Boolean(), visibility: Type.Optional(Type.Union([Type.String(), Type.Null()])) }, { additionalProperties: true }),
  { maxItems: 1000 },
);
