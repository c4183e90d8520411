import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { success } from '../../envelope.js';
import { EMAIL_CHANNELS, SMS_CHANNELS, type EmailChannel, type SmsChannel } from '../../../services/passcodes/channels.js';
import { appContext } from './auth-context.js';

/**
 * Sending codes (issue #5): POST /api/v3/send-sms and /send-email, as the vendor
 * AuthenticationClient.sendSms / sendEmail call them (SendSMSDto, SendEmailDto). Unsigned; the
 * app comes from x-authing-app-id. `captchaToken` / `captchaCode` are a Gatehouse extension,
 * required when the pool turns on captchaBeforeSend.
 */
const literals = <T extends readonly string[]>(xs: T) => Type.Union(xs.map((x) => Type.Literal(x)));
const Captcha = {
  captchaToken: Type.Optional(Type.String({ maxLength: 128 })),
  captchaCode: Type.Optional(Type.String({ maxLength: 32 })),
};
const SendSmsBody = Type.Object(
  { channel: literals(SMS_CHANNELS), phoneNumber: Type.String({ minLength: 1, maxLength: 32 }), phoneCountryCode: Type.Optional(Type.String({ maxLength: 8 })), ...Captcha },
  { additionalProperties: false },
);
const SendEmailBody = Type.Object({ channel: literals(EMAIL_CHANNELS), email: Type.String({ minLength: 3, maxLength: 320 }), ...Captcha }, { additionalProperties: false });

/** The language a message is written in: the one the request names, else the pool's default. */
export function messageLang(req: FastifyRequest): 'en' | 'zh-CN' | undefined {
  const named = req.headers['x-authing-lang'] ?? req.headers['accept-language'];
  if (!named) return undefined;
  return req.lang === 'zh' ? 'zh-CN' : 'en';
}

const tags = ['passcodes'];

export async function passcodeRoutes(app: FastifyInstance): Promise<void> {
  const { passcodes } = app.gh;

  const who = (req: FastifyRequest, appId: string, b: { captchaToken?: string | undefined; captchaCode?: string | undefined }) => {
    const lang = messageLang(req);
    return {
      ip: req.ip,
      appId,
      requestId: req.id,
      ...(lang ? { lang } : {}),
      ...(b.captchaToken ? { captchaToken: b.captchaToken } : {}),
      ...(b.captchaCode ? { captchaCode: b.captchaCode } : {}),
    };
  };

  app.post<{ Body: Static<typeof SendSmsBody> }>(
    '/send-sms',
    { schema: { tags, summary: 'Send an SMS code (same answer whether or not an account holds the number; quotas per number, IP and pool)', body: SendSmsBody } },
    async (req) => {
      const ctx = await appContext(app, req);
      const b = req.body;
      await passcodes.send(ctx.poolId, { kind: 'sms', channel: b.channel as SmsChannel, phoneNumber: b.phoneNumber, ...(b.phoneCountryCode ? { phoneCountryCode: b.phoneCountryCode } : {}) }, who(req, ctx.appId, b));
      return success(req);
    },
  );

  app.post<{ Body: Static<typeof SendEmailBody> }>(
    '/send-email',
    { schema: { tags, summary: 'Send an email code (same answer whether or not an account holds the address; quotas per address, IP and pool)', body: SendEmailBody } },
    async (req) => {
      const ctx = await appContext(app, req);
      const b = req.body;
      await passcodes.send(ctx.poolId, { kind: 'email', channel: b.channel as EmailChannel, email: b.email }, who(req, ctx.appId, b));
      return success(req);
    },
  );
}
