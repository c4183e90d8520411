import { commonSocialFields, type WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** Fields of a `slack` connection (api.slack.com/apps → your app → OAuth & Permissions, "Sign in with Slack"). */
export const SlackConfigSchema = Type.Object(
  {
    clientId: Type.String({ minLength: 1, maxLength: 200, description: 'App Client ID' }),
    clientSecret: Type.String({ minLength: 1, maxLength: 500, description: 'App Client Secret (secret)' }),
    scopes: Type.String({ default: 'openid profile email', maxLength: 500, description: 'Scopes; openid is always sent' }),
    teamId: Type.Optional(Type.String({ pattern: '^[TE][A-Z0-9]{2,20}$', description: 'Only admit members of this workspace (T…) or Enterprise Grid org (E…)' })),
    ...commonSocialFields,
  },
  { additionalProperties: false },
);
export type SlackConfig = Static<typeof SlackConfigSchema>;
export type SlackConfigInput = WithDefaults<SlackConfig, 'scopes' | 'timeoutMs'>;
