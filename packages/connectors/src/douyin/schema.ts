import type { WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** `douyin:mobile` (native app, and the web QR of the same open-platform app). */
export const DouyinConfigSchema = Type.Object(
  {
    clientKey: Type.String({ minLength: 1, maxLength: 64, description: 'Client Key (aw…)' }),
    clientSecret: Type.String({ minLength: 1, maxLength: 128, description: 'Client Secret (secret)' }),
    scope: Type.String({ default: 'user_info', maxLength: 256 }),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type DouyinConfig = Static<typeof DouyinConfigSchema>;
export type DouyinConfigInput = WithDefaults<DouyinConfig, 'scope' | 'timeoutMs'>;

/** `douyin:miniprogram:default`. */
export const DouyinMiniConfigSchema = Type.Object(
  {
    appId: Type.String({ minLength: 1, maxLength: 64, description: 'Mini program AppID (tt…)' }),
    appSecret: Type.String({ minLength: 1, maxLength: 128, description: 'AppSecret (secret)' }),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type DouyinMiniConfig = Static<typeof DouyinMiniConfigSchema>;
export type DouyinMiniConfigInput = WithDefaults<DouyinMiniConfig, 'timeoutMs'>;

export const TokenSchema = Type.Object({ data: Type.Object({ access_token: Type.String({ minLength: 1 }), open_id: Type.String({ minLength: 1 }), expires_in: Type.Optional(Type.Number()) }) });
export const UserInfoSchema = Type.Object({
  data: Type.Object({ open_id: Type.String({ minLength: 1 }), union_id: Type.Optional(Type.String()), nickname: Type.Optional(Type.String()), avatar: Type.Optional(Type.String()) }),
});
export const SessionSchema = Type.Object({
  data: Type.Object({ session_key: Type.String({ minLength: 1 }), openid: Type.String({ minLength: 1 }), unionid: Type.Optional(Type.String()), anonymous_openid: Type.Optional(Type.String()) }),
});
