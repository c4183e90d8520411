import { commonSocialFields, type WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** Fields of an `oidc` connection: any OpenID Connect provider with discovery (Keycloak, Okta, Auth0, Authing, ZITADEL, another Gatehouse…). */
export const OidcConfigSchema = Type.Object(
  {
    issuerUrl: Type.String({ pattern: '^https?://[^\\s?#]+$', maxLength: 1000, description: "The provider's issuer; discovery is read from <issuerUrl>/.well-known/openid-configuration and its issuer must equal this exactly" }),
    clientId: Type.String({ minLength: 1, maxLength: 500, description: 'Client ID registered at the provider' }),
    clientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'Client secret (secret); omit for a public client (PKCE only)' })),
    scopes: Type.String({ default: 'openid profile email', maxLength: 2000, description: 'Scopes, space separated; openid is always sent' }),
    userIdClaim: Type.String({ default: 'sub', pattern: '^[A-Za-z0-9_.:/-]{1,100}$', description: 'Claim used as the stable user id (default sub). Must be immutable and unique at the provider' }),
    tokenEndpointAuthMethod: Type.Optional(Type.Union([Type.Literal('client_secret_basic'), Type.Literal('client_secret_post'), Type.Literal('none')], { description: 'Default: client_secret_basic when the provider supports it, else client_secret_post; none without a secret' })),
    prompt: Type.Optional(Type.String({ pattern: '^[a-z_ ]{1,50}$', description: 'prompt parameter, e.g. login or select_account' })),
    ...commonSocialFields,
  },
  { additionalProperties: false },
);
export type OidcConfig = Static<typeof OidcConfigSchema>;
export type OidcConfigInput = WithDefaults<OidcConfig, 'scopes' | 'userIdClaim' | 'timeoutMs'>;

export const UserinfoSchema = Type.Object({ sub: Type.String({ minLength: 1 }) }, { additionalProperties: true });
