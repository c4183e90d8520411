/**
 * SMTP email through nodemailer (https://nodemailer.com/smtp/): implicit TLS, required or
 * opportunistic STARTTLS, AUTH, From name/address. Keeps one transport (and its connection
 * settings) per connector; call close() on shutdown.
 */
import nodemailer from 'nodemailer';
import { ConnectorError, checkAs, validateConfig, type EmailConnectorFactory } from '@gatehouse/connector-kit';
import { SmtpConfigSchema, SmtpInfoSchema, type SmtpConfig, type SmtpConfigInput } from './schema.js';
import { mapSmtpError } from './errors.js';

export const smtp: EmailConnectorFactory<SmtpConfigInput> = {
  manifest: {
    id: 'smtp',
    kind: 'email',
    name: 'SMTP',
    configSchema: SmtpConfigSchema,
    secretFields: ['password'],
  },
  create(rawConfig, deps) {
    const config = validateConfig<SmtpConfig>(smtp.manifest, rawConfig);
    if (config.password && !config.username) {
      throw new ConnectorError('connector.invalid_config', 'smtp: password set without username');
    }
    const transport = nodemailer.createTransport({
      host: config.host,
      port: config.port ?? (config.tls === 'implicit' ? 465 : 587),
      secure: config.tls === 'implicit',
      requireTLS: config.tls === 'starttls',
      ignoreTLS: config.tls === 'none',
      auth: config.username ? { user: config.username, pass: config.password ?? '' } : undefined,
      tls: {
        rejectUnauthorized: config.tlsRejectUnauthorized,
        ...(config.tlsCa ? { ca: config.tlsCa } : {}),
        ...(config.tlsServername ? { servername: config.tlsServername } : {}),
      },
      connectionTimeout: config.timeoutMs,
      greetingTimeout: config.timeoutMs,
      socketTimeout: config.timeoutMs,
      logger: false,
      debug: false,
    });
    const from = config.fromName ? { name: config.fromName, address: config.fromAddress } : config.fromAddress;
    return {
      manifest: smtp.manifest,
      async sendEmail(msg) {
        let info: unknown;
        try {
          info = await transport.sendMail({
            from,
            to: msg.to,
            ...(config.replyTo ? { replyTo: config.replyTo } : {}),
            subject: msg.subject,
            text: msg.text,
            ...(msg.html ? { html: msg.html } : {}),
          });
        } catch (err) {
          const mapped = mapSmtpError(err);
          deps.logger.warn({ connector: 'smtp', code: mapped.code, detail: mapped.vendorDetail }, 'smtp send failed');
          throw mapped;
        }
        const parsed = checkAs(SmtpInfoSchema, info);
        return parsed?.messageId ? { messageId: parsed.messageId } : {};
      },
      async close() {
        transport.close();
      },
    };
  },
};
