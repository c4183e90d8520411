import { commonSocialFields, type WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** Fields of a `gitlab` connection (GitLab → Edit profile → Applications, or Admin → Applications on self-managed). */
export const GitlabConfigSchema = Type.Object(
  {
    clientId: Type.String({ minLength: 1, maxLength: 200, description: 'Application ID' }),
    clientSecret: Type.String({ minLength: 1, maxLength: 500, description: 'Application secret (secret)' }),
    baseUrl: Type.String({ default: 'https://gitlab.com', pattern: '^https?://[^/?#]+(/[^?#]*)?$', maxLength: 500, description: 'GitLab instance URL; the ID token issuer is this URL' }),
    scopes: Type.String({ default: 'openid profile email', maxLength: 1000, description: 'Scopes, space separated; openid is always sent' }),
    ...commonSocialFields,
  },
  { additionalProperties: false },
);
export type GitlabConfig = Static<typeof GitlabConfigSchema>;
export type GitlabConfigInput = WithDefaults<GitlabConfig, 'baseUrl' | 'scopes' | 'timeoutMs'>;

/** /oauth/userinfo (https://docs.gitlab.com/integration/openid_connect_provider/#shared-information). */
export const GitlabUserinfoSchema = Type.Object(
  {
    sub: Type.String({ minLength: 1 }),
    groups: Type.Optional(Type.Array(Type.String(), { maxItems: 10_000 })),
  },
  { additionalProperties: true },
);
