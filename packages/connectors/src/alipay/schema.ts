import type { WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** `alipay`: an Alipay Open Platform application with RSA2 (SHA256withRSA) keys. */
export const AlipayConfigSchema = Type.Object(
  {
    appId: Type.String({ minLength: 1, maxLength: 32, description: 'APPID (2021…)' }),
    privateKey: Type.String({ minLength: 1, description: 'Application private key (secret): PKCS#8 or PKCS#1, PEM or bare base64' }),
    alipayPublicKey: Type.String({ minLength: 1, description: 'Alipay public key (支付宝公钥), PEM or bare base64: verifies every response' }),
    scope: Type.Union([Type.Literal('auth_user'), Type.Literal('auth_base')], { default: 'auth_user', description: 'auth_user: nickname and avatar; auth_base: the user id only' }),
    pid: Type.Optional(Type.String({ pattern: '^2088\\d{12}$', description: 'Merchant PID (2088…), needed for the mobile authInfo' })),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type AlipayConfig = Static<typeof AlipayConfigSchema>;
export type AlipayConfigInput = WithDefaults<AlipayConfig, 'scope' | 'timeoutMs'>;

export const ErrorFields = Type.Object({
  code: Type.Optional(Type.String()),
  msg: Type.Optional(Type.String()),
  sub_code: Type.Optional(Type.String()),
  sub_msg: Type.Optional(Type.String()),
});
export const TokenSchema = Type.Object({
  access_token: Type.String({ minLength: 1 }),
  user_id: Type.Optional(Type.String()),
  open_id: Type.Optional(Type.String()),
  expires_in: Type.Optional(Type.Union([Type.Number(), Type.String()])),
});
export const UserInfoSchema = Type.Object({
  code: Type.Literal('10000'),
  user_id: Type.Optional(Type.String()),
  open_id: Type.Optional(Type.String()),
  nick_name: Type.Optional(Type.String()),
  avatar: Type.Optional(Type.String()),
  gender: Type.Optional(Type.String()),
  province: Type.Optional(Type.String()),
  city: Type.Optional(Type.String()),
});
