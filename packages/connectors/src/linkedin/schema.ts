import { commonSocialFields, type WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** Fields of a `linkedin` connection (LinkedIn Developers → My apps → Auth; product "Sign In with LinkedIn using OpenID Connect"). */
export const LinkedinConfigSchema = Type.Object(
  {
    clientId: Type.String({ minLength: 1, maxLength: 200, description: 'Client ID' }),
    clientSecret: Type.String({ minLength: 1, maxLength: 500, description: 'Primary Client Secret (secret)' }),
    scopes: Type.String({ default: 'openid profile email', maxLength: 500, description: 'Scopes; openid is always sent' }),
    ...commonSocialFields,
  },
  { additionalProperties: false },
);
export type LinkedinConfig = Static<typeof LinkedinConfigSchema>;
export type LinkedinConfigInput = WithDefaults<LinkedinConfig, 'scopes' | 'timeoutMs'>;
