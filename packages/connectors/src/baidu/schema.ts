import type { WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** `baidu` (website) and `baidu:mobile`. */
export const BaiduConfigSchema = Type.Object(
  {
    apiKey: Type.String({ minLength: 1, maxLength: 64, description: 'API Key (client_id)' }),
    secretKey: Type.String({ minLength: 1, maxLength: 128, description: 'Secret Key (client_secret; secret)' }),
    mobileRedirectUri: Type.String({ default: 'oob', maxLength: 512, description: 'redirect_uri the mobile SDK used to obtain its code (oob unless the app registered another)' }),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type BaiduConfig = Static<typeof BaiduConfigSchema>;
export type BaiduConfigInput = WithDefaults<BaiduConfig, 'mobileRedirectUri' | 'timeoutMs'>;

export const TokenSchema = Type.Object({ access_token: Type.String({ minLength: 1 }), expires_in: Type.Optional(Type.Number()), scope: Type.Optional(Type.String()) });
export const UserSchema = Type.Object({
  openid: Type.String({ minLength: 1 }),
  unionid: Type.Optional(Type.String()),
  username: Type.Optional(Type.String()),
  portrait: Type.Optional(Type.String()),
  sex: Type.Optional(Type.String()),
});
