/**
 * SMTP email through nodemailer (https://nodemailer.com/smtp/): implicit TLS, required or
 * opportunistic STARTTLS, AUTH, From name/address. Keeps one transport (and its connection
 * settings) per connector; call close() on shutdown.
 */
import nodemailer from 'nodemailer';
import { ConnectorError, checkAs, defineEmailConnector } from '@gatehouse/connector-kit';
import { SmtpConfigSchema, SmtpInfoSchema, type SmtpConfig, type SmtpConfigInput } from './schema.js';
import { mapSmtpError } from './errors.js';

export const smtp = defineEmailConnector<SmtpConfig, SmtpConfigInput>(
  {
    id: 'smtp',
    kind: 'email',
    name: 'SMTP',
    configSchema: SmtpConfigSchema,
    secretFields: ['password'],
  },
  (config, deps) => {
    if (config.password && !config.username) {
      throw new ConnectorError('connector.invalid_config', 'smtp: password set without username');
    }
    const port = config.port ?? (config.tls === 'implicit' ? 465 : 587);
    const connect = deps.connect;
    const transport = nodemailer.createTransport({
      host: config.host,
      port,
      // The server's outbound guard opens the TCP connection (it refuses internal addresses and
      // connects to the address it checked); nodemailer still does STARTTLS / implicit TLS on it
      // and verifies the certificate against `host`.
      ...(connect
        ? {
            getSocket: (_opts: unknown, callback: (err: Error | null, socketOptions?: { connection: import('node:net').Socket } | false) => void) => {
              connect(config.host, port, { timeoutMs: config.timeoutMs }).then(
                (connection) => callback(null, { connection }),
                (err: Error) => callback(err),
              );
            },
          }
        : {}),
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
          // A refusal by the server's outbound guard is not an SMTP failure: hand it back as it is.
          if (err instanceof Error && err.name === 'AppError') throw new ConnectorError('connector.invalid_config', 'smtp: destination refused by the outbound guard', { cause: err });
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
);
