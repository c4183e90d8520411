import type { WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** `qq` (website) and `qq:mobile` (native app with the QQ SDK). */
export const QqConfigSchema = Type.Object(
  {
    appId: Type.String({ minLength: 1, maxLength: 32, pattern: '^\\d+$', description: 'APP ID of the QQ Connect application' }),
    appKey: Type.String({ minLength: 1, maxLength: 128, description: 'APP Key (secret)' }),
    unionId: Type.Boolean({ default: true, description: 'Ask for the unionid (needs the unionid permission on QQ Connect); the id is unionid ?? openid' }),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type QqConfig = Static<typeof QqConfigSchema>;
export type QqConfigInput = WithDefaults<QqConfig, 'unionId' | 'timeoutMs'>;

export const TokenSchema = Type.Object({ access_token: Type.String({ minLength: 1 }), expires_in: Type.Optional(Type.Union([Type.String(), Type.Number()])) });
export const MeSchema = Type.Object({ client_id: Type.String(), openid: Type.String({ minLength: 1 }), unionid: Type.Optional(Type.String()) });
export const UserInfoSchema = Type.Object({
  ret: Type.Literal(0),
  nickname: Type.Optional(Type.String()),
  gender: Type.Optional(Type.String()),
  figureurl_qq_2: Type.Optional(Type.String()),
  figureurl_qq_1: Type.Optional(Type.String()),
  province: Type.Optional(Type.String()),
  city: Type.Optional(Type.String()),
});
