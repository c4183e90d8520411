import { commonSocialFields, type WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** Fields of a `gitee` connection (Gitee → 设置 → 第三方应用 → 创建应用). */
export const GiteeConfigSchema = Type.Object(
  {
    clientId: Type.String({ minLength: 1, maxLength: 200, description: 'Client ID' }),
    clientSecret: Type.String({ minLength: 1, maxLength: 500, description: 'Client Secret (secret)' }),
    scopes: Type.String({ default: 'user_info emails', maxLength: 500, description: 'Scopes; user_info is always sent, emails reads confirmed addresses' }),
    ...commonSocialFields,
  },
  { additionalProperties: false },
);
export type GiteeConfig = Static<typeof GiteeConfigSchema>;
export type GiteeConfigInput = WithDefaults<GiteeConfig, 'scopes' | 'timeoutMs'>;

/** GET /api/v5/user (https://gitee.com/api/v5/swagger#/getV5User). */
export const GiteeUserSchema = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    login: Type.String(),
    name: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    avatar_url: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    email: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  },
  { additionalProperties: true },
);

/** GET /api/v5/emails (https://gitee.com/api/v5/swagger#/getV5Emails). */
export const GiteeEmailsSchema = Type.Array(
  Type.Object({ email: Type.String(), state: Type.String(), scope: Type.Optional(Type.Array(Type.String())) }, { additionalProperties: true }),
  { maxItems: 1000 },
);
