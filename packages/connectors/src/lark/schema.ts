import type { WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** `lark-internal` (self-built app, 企业自建应用) and `lark-public` (store app, 应用商店应用). */
export const LarkConfigSchema = Type.Object(
  {
    appId: Type.String({ minLength: 1, maxLength: 64, description: 'App ID (cli_…)' }),
    appSecret: Type.String({ minLength: 1, maxLength: 128, description: 'App Secret (secret)' }),
    region: Type.Union([Type.Literal('feishu'), Type.Literal('lark')], { default: 'feishu', description: 'feishu: Feishu (feishu.cn, mainland China); lark: Lark (larksuite.com, international)' }),
    allowedTenantKeys: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Admit only users of these tenants (tenant_key); for a self-built app, its own tenant' })),
    scope: Type.Optional(Type.String({ maxLength: 1024, description: 'Extra scopes, space separated (e.g. contact:user.email:readonly)' })),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type LarkConfig = Static<typeof LarkConfigSchema>;
export type LarkConfigInput = WithDefaults<LarkConfig, 'region' | 'timeoutMs'>;

export const TokenSchema = Type.Object({ access_token: Type.String({ minLength: 1 }), expires_in: Type.Optional(Type.Number()), token_type: Type.Optional(Type.String()) });
export const UserInfoSchema = Type.Object({
  data: Type.Object({
    open_id: Type.String({ minLength: 1 }),
    union_id: Type.Optional(Type.String()),
    user_id: Type.Optional(Type.String()),
    tenant_key: Type.String({ minLength: 1 }),
    name: Type.Optional(Type.String()),
    en_name: Type.Optional(Type.String()),
    avatar_url: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    enterprise_email: Type.Optional(Type.String()),
    mobile: Type.Optional(Type.String()),
    employee_no: Type.Optional(Type.String()),
  }),
});
