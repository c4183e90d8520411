import type { WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** Config of the Twilio Programmable Messaging connector. */
export const TwilioConfigSchema = Type.Object(
  {
    accountSid: Type.String({ pattern: '^AC[0-9a-fA-F]{32}$', description: 'Account SID (AC…), part of the URL' }),
    authToken: Type.String({ minLength: 1, description: 'Auth Token, or the API Key secret when apiKeySid is set (secret)' }),
    apiKeySid: Type.Optional(Type.String({ pattern: '^SK[0-9a-fA-F]{32}$', description: 'API Key SID (SK…) used as Basic-auth user' })),
    from: Type.Optional(Type.String({ description: 'Sender: a Twilio number in E.164 or an alphanumeric sender ID' })),
    messagingServiceSid: Type.Optional(Type.String({ pattern: '^MG[0-9a-fA-F]{32}$', description: 'Messaging Service SID (MG…), instead of from' })),
    templates: Type.Optional(
      Type.Record(Type.String(), Type.String({ pattern: '^HX[0-9a-fA-F]{32}$' }), {
        description: 'Optional: channel → Content template SID (HX…); without it the rendered text is sent as Body',
      }),
    ),
    templateParamNames: Type.Array(Type.String(), {
      default: ['code'],
      description: 'Variables, in order, that fill Content template placeholders {{1}}, {{2}}, …',
    }),
    endpoint: Type.String({ default: 'https://api.twilio.com', description: 'Override for tests' }),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type TwilioConfig = Static<typeof TwilioConfigSchema>;
/** What callers pass: keys with defaults may be omitted. */
export type TwilioConfigInput = WithDefaults<TwilioConfig, 'templateParamNames' | 'endpoint' | 'timeoutMs'>;

/** Message resource (https://www.twilio.com/docs/messaging/api/message-resource). */
export const TwilioMessageSchema = Type.Object({ sid: Type.String(), status: Type.Optional(Type.String()) });

/** REST error body (https://www.twilio.com/docs/usage/twilios-response#response-formats-exceptions). */
export const TwilioErrorSchema = Type.Object({
  code: Type.Union([Type.Number(), Type.Null()]),
  message: Type.String(),
  more_info: Type.Optional(Type.String()),
  status: Type.Number(),
});
