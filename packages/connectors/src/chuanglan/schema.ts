import type { WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** Config of the Chuanglan (创蓝 253) SMS connector. */
export const ChuanglanConfigSchema = Type.Object(
  {
    account: Type.String({ minLength: 1, description: 'API account (not the console login), e.g. N1234567' }),
    password: Type.String({ minLength: 1, description: 'API password (secret)' }),
    signName: Type.String({ minLength: 1, description: 'Approved signature; sent as 【signName】 before the text' }),
    endpoint: Type.String({
      default: 'https://smssh1.253.com/msg/send/json',
      description: 'Send URL shown in the 253 console (host differs per account); override for tests',
    }),
    report: Type.Boolean({ default: true, description: 'Ask for a delivery report' }),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type ChuanglanConfig = Static<typeof ChuanglanConfigSchema>;
/** What callers pass: keys with defaults may be omitted. */
export type ChuanglanConfigInput = WithDefaults<ChuanglanConfig, 'endpoint' | 'report' | 'timeoutMs'>;

/** Submit response: {code, msgId, time, errorMsg}; code "0" is success. */
export const ChuanglanResponseSchema = Type.Object({
  code: Type.String(),
  msgId: Type.Optional(Type.String()),
  time: Type.Optional(Type.String()),
  errorMsg: Type.Optional(Type.String()),
});
