import { commonSocialFields, type WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

const Url = (description: string) => Type.String({ pattern: '^https?://[^\\s#]+$', maxLength: 2000, description });
const ClaimPath = (description: string, dflt?: string) => Type.String({ pattern: '^[A-Za-z0-9_:@$-]+(\\.[A-Za-z0-9_:@$-]+)*$', maxLength: 200, description, ...(dflt ? { default: dflt } : {}) });

/** Fields of an `oauth` connection: any OAuth 2.0 authorization server with a user-info endpoint. */
export const OAuthConfigSchema = Type.Object(
  {
    authorizationEndpoint: Url('Authorization endpoint URL'),
    tokenEndpoint: Url('Token endpoint URL'),
    userInfoEndpoint: Url('URL returning the signed-in user as JSON (GET with the access token)'),
    clientId: Type.String({ minLength: 1, maxLength: 500 }),
    clientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'Client secret (secret); omit for a public client' })),
    scopes: Type.String({ default: '', maxLength: 2000, description: 'Scopes, space separated' }),
    tokenEndpointAuthMethod: Type.Union([Type.Literal('client_secret_post'), Type.Literal('client_secret_basic')], { default: 'client_secret_post' }),
    userInfoTokenIn: Type.Union([Type.Literal('header'), Type.Literal('query')], { default: 'header', description: 'Send the access token as Authorization: Bearer (header) or ?access_token= (query)' }),
    pkce: Type.Boolean({ default: true, description: 'Send an S256 PKCE challenge (servers without PKCE ignore it)' }),
    claims: Type.Object(
      {
        id: ClaimPath('Path of the stable, unique user id in the user-info JSON (dots for nesting)', 'id'),
        email: ClaimPath('Path of the email', 'email'),
        emailVerified: Type.Optional(ClaimPath('Path of a boolean telling the email is verified')),
        name: ClaimPath('Path of the display name', 'name'),
        picture: ClaimPath('Path of the avatar URL', 'picture'),
        username: Type.Optional(ClaimPath('Path of the username')),
        phone: Type.Optional(ClaimPath('Path of the phone number')),
      },
      { additionalProperties: false, default: {} },
    ),
    ...commonSocialFields,
  },
  { additionalProperties: false },
);
export type OAuthConfig = Static<typeof OAuthConfigSchema>;
export type OAuthConfigInput = Omit<WithDefaults<OAuthConfig, 'scopes' | 'tokenEndpointAuthMethod' | 'userInfoTokenIn' | 'pkce' | 'claims' | 'timeoutMs'>, 'claims'> & {
  claims?: Partial<OAuthConfig['claims']>;
};
