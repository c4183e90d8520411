import type { WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** Config of the Tencent Cloud SMS connector (API 3.0, version 2021-01-11). */
export const TencentSmsConfigSchema = Type.Object(
  {
    secretId: Type.String({ minLength: 1, description: 'CAM API key SecretId' }),
    secretKey: Type.String({ minLength: 1, description: 'CAM API key SecretKey (secret)' }),
    sdkAppId: Type.String({ minLength: 1, description: 'SMS application SdkAppId, e.g. 1400006666' }),
    signName: Type.String({ description: 'Approved signature content (required for mainland China numbers)' }),
    templates: Type.Record(Type.String(), Type.String({ minLength: 1 }), {
      description: 'Message channel (CHANNEL_LOGIN …, or "default") → approved TemplateId',
    }),
    templateParamNames: Type.Array(Type.String(), {
      default: ['code'],
      description: 'Variables, in order, that fill the template placeholders {1}, {2}, …',
    }),
    region: Type.String({ default: 'ap-guangzhou', description: 'ap-guangzhou, ap-beijing or ap-nanjing' }),
    endpoint: Type.String({ default: 'https://sms.tencentcloudapi.com', description: 'Override for tests' }),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type TencentSmsConfig = Static<typeof TencentSmsConfigSchema>;
/** What callers pass: keys with defaults may be omitted. */
export type TencentSmsConfigInput = WithDefaults<TencentSmsConfig, 'templateParamNames' | 'region' | 'endpoint' | 'timeoutMs'>;

/** SendSms response (https://cloud.tencent.com/document/product/382/55981). */
export const TencentResponseSchema = Type.Object({
  Response: Type.Object({
    RequestId: Type.Optional(Type.String()),
    Error: Type.Optional(Type.Object({ Code: Type.String(), Message: Type.Optional(Type.String()) })),
    SendStatusSet: Type.Optional(
      Type.Array(
        Type.Object({
          SerialNo: Type.Optional(Type.String()),
          PhoneNumber: Type.Optional(Type.String()),
          Code: Type.String(),
          Message: Type.Optional(Type.String()),
        }),
      ),
    ),
  }),
});
