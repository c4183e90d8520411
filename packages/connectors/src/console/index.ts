/**
 * Development-only connectors: instead of sending, they write the message — recipient and the
 * full text including the code — to the injected logger at info level. They warn when created
 * so that a server started with them cannot go unnoticed. Never select them in production.
 */
import { defineEmailConnector, defineSmsConnector } from '@gatehouse/connector-kit';
import { ConsoleConfigSchema, type ConsoleConfig } from './schema.js';

const WARNING = 'console connector selected: messages, including verification codes, are written to the log (development only)';

export const consoleSms = defineSmsConnector<ConsoleConfig>(
  { id: 'console', kind: 'sms', name: 'Console (development)', configSchema: ConsoleConfigSchema, secretFields: [] },
  (_config, deps) => {
    deps.logger.warn({ connector: 'console', kind: 'sms' }, WARNING);
    let n = 0;
    return {
      async sendSms(msg) {
        const messageId = `console-sms-${++n}`;
        deps.logger.info({ connector: 'console', kind: 'sms', to: msg.phone, channel: msg.channel, text: msg.text, messageId }, `SMS to ${msg.phone}: ${msg.text}`);
        return { messageId };
      },
    };
  },
);

export const consoleEmail = defineEmailConnector<ConsoleConfig>(
  { id: 'console', kind: 'email', name: 'Console (development)', configSchema: ConsoleConfigSchema, secretFields: [] },
  (_config, deps) => {
    deps.logger.warn({ connector: 'console', kind: 'email' }, WARNING);
    let n = 0;
    return {
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
);
