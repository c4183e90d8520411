/**
 * Development-only connectors: instead of sending, they write the message — recipient and the
 * full text including the code — to the injected logger at info level. They warn when created
 * so that a server started with them cannot go unnoticed. Never select them in production.
 */
import type { EmailConnectorFactory, SmsConnectorFactory } from '@gatehouse/connector-kit';
import { validateConfig } from '@gatehouse/connector-kit';
import { ConsoleConfigSchema, type ConsoleConfig } from './schema.js';

const WARNING = 'console connector selected: messages, including verification codes, are written to the log (development only)';

export const consoleSms: SmsConnectorFactory<ConsoleConfig> = {
  manifest: { id: 'console', kind: 'sms', name: 'Console (development)', configSchema: ConsoleConfigSchema, secretFields: [] },
  create(rawConfig, deps) {
    validateConfig(consoleSms.manifest, rawConfig);
    deps.logger.warn({ connector: 'console', kind: 'sms' }, WARNING);
    let n = 0;
    return {
      manifest: consoleSms.manifest,
      async sendSms(msg) {
        const messageId = `console-sms-${++n}`;
        deps.logger.info({ connector: 'console', kind: 'sms', to: msg.phone, channel: msg.channel, text: msg.text, messageId }, `SMS to ${msg.phone}: ${msg.text}`);
        return { messageId };
      },
    };
  },
};

export const consoleEmail: EmailConnectorFactory<ConsoleConfig> = {
  manifest: { id: 'console', kind: 'email', name: 'Console (development)', configSchema: ConsoleConfigSchema, secretFields: [] },
  create(rawConfig, deps) {
    validateConfig(consoleEmail.manifest, rawConfig);
    deps.logger.warn({ connector: 'console', kind: 'email' }, WARNING);
    let n = 0;
    return {
      manifest: consoleEmail.manifest,
      async sendEmail(msg) {
        const messageId = `console-email-${++n}`;
        deps.logger.info(
          { connector: 'console', kind: 'email', to: msg.to, channel: msg.channel, subject: msg.subject, text: msg.text, messageId },
          `Email to ${msg.to}: ${msg.subject}\n${msg.text}`,
        );
        return { messageId };
      },
    };
  },
};
