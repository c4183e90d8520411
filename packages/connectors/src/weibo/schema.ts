import type { WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** `weibo` (website) and `weibo:mobile` (native app with the Weibo SDK). */
export const WeiboConfigSchema = Type.Object(
  {
    appKey: Type.String({ minLength: 1, maxLength: 32, description: 'App Key' }),
    appSecret: Type.String({ minLength: 1, maxLength: 128, description: 'App Secret (secret)' }),
    scope: Type.Optional(Type.String({ maxLength: 256 })),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type WeiboConfig = Static<typeof WeiboConfigSchema>;
export type WeiboConfigInput = WithDefaults<WeiboConfig, 'timeoutMs'>;

const uid = Type.Union([Type.String({ minLength: 1 }), Type.Number()]);
export const TokenSchema = Type.Object({ access_token: Type.String({ minLength: 1 }), uid, expires_in: Type.Optional(Type.Number()) });
export const TokenInfoSchema = Type.Object({ uid, appkey: Type.String(), expire_in: Type.Optional(Type.Number()) });
export const UserSchema = Type.Object({
  idstr: Type.String({ minLength: 1 }),
  screen_name: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  avatar_large: Type.Optional(Type.String()),
  profile_image_url: Type.Optional(Type.String()),
  gender: Type.Optional(Type.String()),
  location: Type.Optional(Type.String()),
});
