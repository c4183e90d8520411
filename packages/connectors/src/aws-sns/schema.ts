import type { WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** Config of the Amazon SNS SMS connector. */
export const AwsSnsConfigSchema = Type.Object(
  {
    accessKeyId: Type.String({ minLength: 1, description: 'IAM access key id (needs sns:Publish)' }),
    secretAccessKey: Type.String({ minLength: 1, description: 'IAM secret access key (secret)' }),
    sessionToken: Type.Optional(Type.String({ description: 'STS session token for temporary credentials (secret)' })),
    // A region is part of the endpoint host (sns.<region>.amazonaws.com): only region-shaped values, so it cannot steer the host elsewhere.
    region: Type.String({ pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$', description: 'e.g. us-east-1, ap-southeast-1' }),
    senderId: Type.Optional(Type.String({ maxLength: 11, description: 'AWS.SNS.SMS.SenderID (where supported)' })),
    originationNumber: Type.Optional(Type.String({ description: 'AWS.MM.SMS.OriginationNumber (E.164)' })),
    smsType: Type.Union([Type.Literal('Transactional'), Type.Literal('Promotional')], { default: 'Transactional' }),
    templates: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: 'India DLT: channel → AWS.MM.SMS.TemplateId' }),
    ),
    entityId: Type.Optional(Type.String({ description: 'India DLT: AWS.MM.SMS.EntityId' })),
    endpoint: Type.Optional(Type.String({ description: 'Default https://sns.<region>.amazonaws.com/; override for tests' })),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type AwsSnsConfig = Static<typeof AwsSnsConfigSchema>;
/** What callers pass: keys with defaults may be omitted. */
export type AwsSnsConfigInput = WithDefaults<AwsSnsConfig, 'smsType' | 'timeoutMs'>;

/** Fields read from PublishResponse / ErrorResponse XML (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html). */
export const SnsPublishResultSchema = Type.Object({ MessageId: Type.String({ minLength: 1 }) });
export const SnsErrorSchema = Type.Object({ Code: Type.String({ minLength: 1 }), Message: Type.String() });
