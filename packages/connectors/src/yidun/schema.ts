import type { WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** `yidun`: the one-click login product of NetEase Yidun (号码认证). */
export const YidunConfigSchema = Type.Object(
  {
    secretId: Type.String({ minLength: 1, maxLength: 32, description: 'SecretId (产品密钥ID)' }),
    secretKey: Type.String({ minLength: 1, maxLength: 64, description: 'SecretKey (产品私有密钥; secret)' }),
    businessId: Type.String({ minLength: 1, maxLength: 32, description: 'Business id of the one-click login product (not the local-number check one)' }),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type YidunConfig = Static<typeof YidunConfigSchema>;
export type YidunConfigInput = WithDefaults<YidunConfig, 'timeoutMs'>;

export const ResponseSchema = Type.Object({ code: Type.Number(), msg: Type.Optional(Type.String()), data: Type.Optional(Type.Object({ phone: Type.Optional(Type.String()), resultCode: Type.Optional(Type.Union([Type.String(), Type.Number()])) })) });

