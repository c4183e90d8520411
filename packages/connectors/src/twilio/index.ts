/**
 * Twilio — Programmable Messaging, `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`
 * with a form body and HTTP Basic auth (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource).
 */
import {
  ConnectorError,
  codeForStatus,
  mapVendorCode,
  orderedVariables,
  parseJsonAs,
  toE164,
  unreadableResponse,
  defineSmsConnector,
  vendorRequest,
} from '@gatehouse/connector-kit';
import { TwilioConfigSchema, TwilioErrorSchema, TwilioMessageSchema, type TwilioConfig, type TwilioConfigInput } from './schema.js';
import { twilioErrors } from './errors.js';

const VENDOR = 'twilio';

export const twilio = defineSmsConnector<TwilioConfig, TwilioConfigInput>(
  {
    id: VENDOR,
    kind: 'sms',
    name: 'Twilio',
    configSchema: TwilioConfigSchema,
    secretFields: ['authToken'],
    operatorOnlyFields: { endpoint: null },
  },
  (config, deps) => {
    if (!config.from && !config.messagingServiceSid) {
      throw new ConnectorError('connector.invalid_config', `${VENDOR}: set from or messagingServiceSid`);
    }
    const url = `${config.endpoint.replace(/\/$/, '')}/2010-04-01/Accounts/${config.accountSid}/Messages.json`;
    const user = config.apiKeySid ?? config.accountSid;
    const authorization = `Basic ${Buffer.from(`${user}:${config.authToken}`).toString('base64')}`;
    return {
      async sendSms(msg) {
        const form = new URLSearchParams({ To: toE164(msg) });
        if (config.messagingServiceSid) form.set('MessagingServiceSid', config.messagingServiceSid);
        else form.set('From', config.from!);
        const contentSid = config.templates?.[msg.channel] ?? config.templates?.['default'];
        if (contentSid) {
          // Content API templates: https://www.twilio.com/docs/content/send-templates-created-with-the-content-template-builder
          const values = orderedVariables(config.templateParamNames, msg.variables);
          form.set('ContentSid', contentSid);
          form.set('ContentVariables', JSON.stringify(Object.fromEntries(values.map((v, i) => [String(i + 1), v]))));
        } else {
          form.set('Body', msg.text);
        }
        const res = await vendorRequest(deps.http, VENDOR, url, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: form.toString(),
          timeoutMs: config.timeoutMs,
        });
        if (res.status >= 200 && res.status < 300) {
          const ok = parseJsonAs(TwilioMessageSchema, res.text);
          if (!ok) throw unreadableResponse(VENDOR, res.status);
          return { messageId: ok.sid };
        }
        const err = parseJsonAs(TwilioErrorSchema, res.text);
        if (!err || err.code === null) throw unreadableResponse(VENDOR, res.status);
        let code = mapVendorCode(twilioErrors, String(err.code));
        if (code === 'connector.rejected') code = codeForStatus(res.status);
        throw new ConnectorError(code, `${VENDOR}: error ${err.code} (HTTP ${res.status})`);
      },
    };
  },
);
