import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../../errors/app-error.js';
import { envelope, success } from '../../envelope.js';
import { managementPool } from '../../plugins/request-signing.js';
import { toEmailProviderDto, toEmailSetting, type ConfigEmailProviderInput } from '../../../services/messaging/email-provider-dto.js';
import { EMAIL_CHANNELS, NOTICE_CHANNELS, SMS_CHANNELS } from '../../../services/passcodes/channels.js';
import type { MessagingSettingsPatch } from '../../../services/passcodes/settings.js';
import { Envelope, mgmtSecurity } from '../common.js';
import { managementActor } from './event-context.js';

/**
 * Management of messaging per pool (issue #5, signed): the vendor's config-email-provider /
 * get-email-provider (ManagementClient.configEmailProvider / getEmailProvider), and Gatehouse
 * extensions for SMS providers, code / quota settings and templates. Secrets are write-only.
 */
const tags = ['messaging-admin'];
const strict = <T extends Parameters<typeof Type.Object>[0]>(p: T) => Type.Object(p, { additionalProperties: false });
const Str = (max = 320) => Type.String({ maxLength: max });

const ConfigEmailBody = strict({
  type: Type.Union(['ali', 'qq', 'sendgrid', 'custom', 'console'].map((t) => Type.Literal(t))),
  enabled: Type.Boolean(),
  smtpConfig: Type.Optional(strict({ smtp_host: Type.String({ minLength: 1, maxLength: 255 }), smtp_port: Type.Integer({ minimum: 1, maximum: 65535 }), sender: Type.Optional(Str()), senderPass: Type.Optional(Str(1024)), secure: Type.Optional(Type.Boolean()) })),
  sendGridConfig: Type.Optional(strict({ sender: Str(), apikey: Type.Optional(Str(1024)) })),
  aliExmailConfig: Type.Optional(strict({ sender: Str(), senderPass: Type.Optional(Str(1024)) })),
  tencentExmailConfig: Type.Optional(strict({ sender: Str(), senderPass: Type.Optional(Str(1024)) })),
});
const ConfigSmsBody = strict({
  provider: Type.String({ minLength: 1, maxLength: 64, description: 'Connector id: aliyun-sms, tencent-sms, twilio, aws-sns, console' }),
  enabled: Type.Boolean(),
  config: Type.Object({}, { additionalProperties: true, description: "The connector's settings; secret fields left out keep their stored values" }),
});
const SettingsBody = Type.Object({}, { additionalProperties: true });
const allChannels = [...new Set([...SMS_CHANNELS, ...EMAIL_CHANNELS, ...NOTICE_CHANNELS])];
const TemplateBody = strict({
  kind: Type.Union([Type.Literal('sms'), Type.Literal('email')]),
  channel: Type.Union(allChannels.map((c) => Type.Literal(c))),
  lang: Type.Union([Type.Literal('en'), Type.Literal('zh-CN')]),
  subject: Type.Optional(Type.String({ maxLength: 998 })), // RFC 5322 §2.1.1 line limit
  text: Type.String({ minLength: 1, maxLength: 8192 }),
  html: Type.Optional(Type.String({ maxLength: 65536 })),
});
/** A template in effect: `custom` when the pool overrides the default. */
const TemplateOut = Type.Object({
  kind: TemplateBody.properties.kind,
  channel: TemplateBody.properties.channel,
  lang: TemplateBody.properties.lang,
  custom: Type.Boolean(),
  subject: Type.String(),
  text: Type.String(),
  html: Type.Union([Type.String(), Type.Null()]),
});
const ResetTemplateBody = strict({ kind: TemplateBody.properties.kind, channel: TemplateBody.properties.channel, lang: TemplateBody.properties.lang });
const TestMessageBody = strict({
  kind: TemplateBody.properties.kind,
  channel: TemplateBody.properties.channel,
  lang: TemplateBody.properties.lang,
  to: Type.String({ minLength: 3, maxLength: 320, description: 'An E.164 phone number (sms) or an email address (email)' }),
});
/** E.164 (ITU-T E.164: at most 15 digits after the +) and a plain addr-spec check (RFC 5322 §3.4.1, no quoting). */
const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Sample values for every template variable (templates.ts), so the test message reads as a real one. */
const SAMPLE_VARIABLES = { code: '123456', appName: 'Gatehouse', ttlMinutes: '5', userName: 'Test user', link: 'https://example.com/verify' };

export async function messagingAdminRoutes(app: FastifyInstance): Promise<void> {
  const { passcodes, services } = app.gh;
  const { providers, templates } = passcodes.messaging;
  /** A change to the pool's messaging configuration (never with the provider's secrets). */
  const auditOk = (req: Parameters<typeof managementPool>[0], what: string) => services.events.emit('user-pool:updated', { ...managementActor(req), data: { settings: what } });

  app.get('/get-email-provider', { schema: { tags, security: mgmtSecurity, summary: 'The email provider of the pool (secrets left out)' } }, async (req) => {
    const d = await providers.describe(managementPool(req), 'email');
    return envelope(req, toEmailProviderDto(d.own));
  });

  app.post<{ Body: Static<typeof ConfigEmailBody> }>('/config-email-provider', { schema: { tags, security: mgmtSecurity, summary: 'Configure the email provider of the pool (SMTP; ali / qq / sendgrid presets)', body: ConfigEmailBody } }, async (req) => {
    const poolId = managementPool(req);
    const setting = toEmailSetting(req.body as ConfigEmailProviderInput, await providers.storedConfig(poolId, 'email'));
    await providers.putKeepingSecrets(poolId, 'email', setting);
    await auditOk(req, 'pool.config_email_provider');
    return envelope(req, toEmailProviderDto((await providers.describe(poolId, 'email')).own));
  });

  app.get('/get-sms-provider', { schema: { tags, security: mgmtSecurity, summary: 'The SMS provider of the pool, secrets left out (Gatehouse extension)' } }, async (req) => {
    const poolId = managementPool(req);
    const d = await providers.describe(poolId, 'sms');
    return envelope(req, { ...(d.own ?? { enabled: false }), secretFields: d.secretFields, serverDefault: d.serverDefault, available: passcodes.messaging.registry.ids('sms') });
  });

  app.post<{ Body: Static<typeof ConfigSmsBody> }>('/config-sms-provider', { schema: { tags, security: mgmtSecurity, summary: 'Configure the SMS provider of the pool (Gatehouse extension)', body: ConfigSmsBody } }, async (req) => {
    const poolId = managementPool(req);
    await providers.putKeepingSecrets(poolId, 'sms', req.body);
    await auditOk(req, 'pool.config_sms_provider');
    const d = await providers.describe(poolId, 'sms');
    return envelope(req, { ...d.own, secretFields: d.secretFields });
  });

  app.get('/get-messaging-settings', { schema: { tags, security: mgmtSecurity, summary: 'Code length and lifetime, send quotas, captcha and registration mails of the pool (Gatehouse extension)' } }, async (req) =>
    envelope(req, await passcodes.settings.get(managementPool(req))),
  );

  app.post<{ Body: Static<typeof SettingsBody> }>('/update-messaging-settings', { schema: { tags, security: mgmtSecurity, summary: 'Change any of the messaging settings (Gatehouse extension)', body: SettingsBody } }, async (req) => {
    const next = await passcodes.settings.update(managementPool(req), req.body as MessagingSettingsPatch);
    await auditOk(req, 'pool.update_messaging_settings');
    return envelope(req, next);
  });

  app.get('/list-message-templates', { schema: { tags, security: mgmtSecurity, summary: 'Every SMS / email template in effect, per channel and language (Gatehouse extension)', response: { 200: Envelope(Type.Union([Type.Array(TemplateOut), Type.Null()])) } } }, async (req) =>
    envelope(req, await templates.list(managementPool(req))),
  );

  app.post<{ Body: Static<typeof TemplateBody> }>('/update-message-template', { schema: { tags, security: mgmtSecurity, summary: 'Override a template of the pool (Gatehouse extension)', body: TemplateBody } }, async (req) => {
    const b = req.body;
    await templates.put(managementPool(req), { kind: b.kind, channel: b.channel, lang: b.lang, text: b.text, ...(b.subject !== undefined ? { subject: b.subject } : {}), ...(b.html !== undefined ? { html: b.html } : {}) });
    await auditOk(req, 'pool.update_message_template');
    return success(req);
  });

  app.post<{ Body: Static<typeof ResetTemplateBody> }>('/reset-message-template', { schema: { tags, security: mgmtSecurity, summary: 'Back to the shipped template (Gatehouse extension)', body: ResetTemplateBody } }, async (req) => {
    await templates.reset(managementPool(req), req.body.kind, req.body.channel, req.body.lang);
    return success(req);
  });

  // "Send a test message" of the console: the pool's template in effect, through the pool's
  // provider (or the server's), with sample variables; a provider failure is its catalogued error.
  app.post<{ Body: Static<typeof TestMessageBody> }>('/send-test-message', { schema: { tags, security: mgmtSecurity, summary: 'Send a template with sample values (code 123456) to a phone or address, through the provider in effect (Gatehouse extension)', body: TestMessageBody } }, async (req) => {
    const b = req.body;
    const to = b.to.trim();
    if (!(b.kind === 'sms' ? E164 : EMAIL).test(to)) throw new AppError('request.invalid_input', { details: [{ path: '/to', message: b.kind === 'sms' ? 'must be an E.164 phone number such as +8613800000000' : 'must be an email address' }] });
    const poolId = managementPool(req);
    await passcodes.messaging.send(poolId, { kind: b.kind, channel: b.channel, lang: b.lang, to, variables: SAMPLE_VARIABLES, expiresAt: Date.now() + 5 * 60_000 });
    await services.events.emit('passcode:sent', { ...managementActor(req), data: { kind: b.kind, channel: b.channel } });
    return success(req);
  });
}
