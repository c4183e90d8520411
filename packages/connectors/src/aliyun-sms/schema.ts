import type { WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** Config of the Alibaba Cloud SMS (Dysmsapi) connector. */
export const AliyunSmsConfigSchema = Type.Object(
  {
    accessKeyId: Type.String({ minLength: 1, description: 'RAM AccessKey ID (needs AliyunDysmsFullAccess or dysms:SendSms)' }),
    accessKeySecret: Type.String({ minLength: 1, description: 'RAM AccessKey secret (secret)' }),
    signName: Type.String({ minLength: 1, description: 'Approved SMS signature name (签名名称)' }),
    templates: Type.Record(Type.String(), Type.String({ minLength: 1 }), {
      description: 'Message channel (CHANNEL_LOGIN …, or "default") → approved TemplateCode, e.g. SMS_123456789',
    }),
    templateParamNames: Type.Array(Type.String(), {
      default: ['code'],
      description: 'Message variables put into TemplateParam, named as in the template (${code} …)',
    }),
    regionId: Type.String({ default: 'cn-hangzhou' }),
    endpoint: Type.String({ default: 'https://dysmsapi.aliyuncs.com/', description: 'Override for tests or a regional endpoint' }),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type AliyunSmsConfig = Static<typeof AliyunSmsConfigSchema>;
/** What callers pass: keys with defaults may be omitted. */
export type AliyunSmsConfigInput = WithDefaults<AliyunSmsConfig, 'templateParamNames' | 'regionId' | 'endpoint' | 'timeoutMs'>;

/** SendSms response (https://help.aliyun.com/document_detail/419273.html): Code 'OK' is success. */
export const AliyunResponseSchema = Type.Object({
  Code: Type.String(),
  Message: Type.Optional(Type.String()),
  RequestId: Type.Optional(Type.String()),
  BizId: Type.Optional(Type.String()),
});
