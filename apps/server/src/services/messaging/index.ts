import type { Config } from '../../config/schema.js';
import type { Logger } from '../../utils/logger.js';
import type { MessagingRepo } from '../../storage/repositories/messaging.js';
import type { SecretBox } from '../../utils/crypto.js';
import type { OutboundGuard } from '../outbound/guard.js';
import { outboundGuardFor } from '../outbound/for-config.js';
import type { MessageKind } from '../passcodes/channels.js';
import { createOutbox } from './outbox.js';
import { createProvidersService, type ServerProviders } from './providers.js';
import { createConnectorRegistry } from '../connectors/index.js';
import { createTemplatesService, render, type Lang } from './templates.js';

/**
 * Messaging (issue #5): connectors by id, per-pool providers, templates and the outbox.
 * `send` renders the pool's template for (kind, channel, lang) and hands the message to the
 * outbox, which makes the first attempt now and retries transient failures later.
 */
export interface SendInput {
  kind: MessageKind;
  channel: string;
  /** E.164 phone or email address. */
  to: string;
  phoneCountryCode?: string;
  lang: Lang;
  variables: Record<string, string>;
  /** Epoch ms after which delivering is pointless (the code expired). */
  expiresAt: number;
}

/** The server-wide providers from the config (pools without their own use these). */
export function serverProviders(config: Config): ServerProviders {
  const sms = config.smsProvider ? { provider: config.smsProvider, enabled: true, config: config.smsProviderConfig ? (JSON.parse(config.smsProviderConfig) as Record<string, unknown>) : {} } : null;
  let email: ServerProviders['email'] = null;
  if (config.emailProvider === 'smtp') {
    email = {
      provider: 'smtp',
      enabled: true,
      config: smtpConnectorConfig({ host: config.smtpHost, port: config.smtpPort, tls: config.smtpTls, user: config.smtpUser, password: config.smtpPassword, from: config.smtpFrom || config.smtpUser, fromName: config.smtpFromName }),
    };
  } else if (config.emailProvider) {
    email = { provider: config.emailProvider, enabled: true, config: {} };
  }
  return { sms, email };
}

export type SmtpTls = 'implicit' | 'starttls' | 'opportunistic' | 'none';

/** SMTP settings in the shape of the `smtp` connector's config (packages/connectors/src/smtp/schema.ts). */
export function smtpConnectorConfig(s: { host: string; port: number; tls: SmtpTls; user?: string; password?: string; from: string; fromName?: string }): Record<string, unknown> {
  return {
    host: s.host,
    port: s.port,
    tls: s.tls,
    ...(s.user ? { username: s.user } : {}),
    ...(s.password ? { password: s.password } : {}),
    fromAddress: s.from,
    ...(s.fromName ? { fromName: s.fromName } : {}),
  };
}

export async function createMessaging(deps: { repo: MessagingRepo; box: SecretBox; log: Logger; config: Config; outbound?: OutboundGuard }) {
  const { repo } = deps;
  const outbound = deps.outbound ?? outboundGuardFor(deps.config, { log: deps.log });
  const registry = createConnectorRegistry();
  // A pool's own providers connect through the outbound guard; the server-wide ones are the
  // operator's own settings (GATEHOUSE_SMS_PROVIDER_CONFIG, GATEHOUSE_SMTP_HOST) and may be internal.
  const providers = createProvidersService({
    repo,
    box: deps.box,
    registry,
    server: serverProviders(deps.config),
    log: deps.log,
    connectorDeps: { http: outbound.http, connect: outbound.connect },
    operatorConnectorDeps: { http: outbound.operator.http, connect: outbound.operator.connect },
    destinations: outbound,
  });
  const templates = createTemplatesService(repo);
  const outbox = createOutbox({
    repo,
    box: deps.box,
    providers,
    log: deps.log,
    options: { retryBaseMs: deps.config.messageRetryBaseMs, maxAttempts: deps.config.messageMaxAttempts, pollMs: deps.config.outboxPollMs },
  });

  return {
    repo,
    registry,
    providers,
    templates,
    outbox,
    /** Renders and sends; throws the catalogued error when it could not go out now. */
    async send(poolId: string, m: SendInput): Promise<void> {
      const t = render(await templates.get(poolId, m.kind, m.channel, m.lang), m.variables);
      if (m.kind === 'sms') {
        await outbox.sendNow(poolId, { kind: 'sms', sms: { phone: m.to, ...(m.phoneCountryCode ? { phoneCountryCode: m.phoneCountryCode } : {}), channel: m.channel, variables: m.variables, text: t.text } }, m.expiresAt);
      } else {
        await outbox.sendNow(poolId, { kind: 'email', email: { to: m.to, channel: m.channel, subject: t.subject, text: t.text, ...(t.html ? { html: t.html } : {}), variables: m.variables } }, m.expiresAt);
      }
    },
    async close() {
      await outbox.stop();
      await providers.close();
    },
  };
}
export type Messaging = Awaited<ReturnType<typeof createMessaging>>;
