/**
 * Amazon SNS — `Publish` to a phone number (Query API, version 2010-03-31), form-encoded POST
 * signed with Signature Version 4. https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 * SMS attributes: https://docs.aws.amazon.com/sns/latest/dg/sms_publish-to-phone.html
 */
import {
  ConnectorError,
  checkAs,
  codeForStatus,
  rfc3986,
  toE164,
  unreadableResponse,
  defineSmsConnector,
  vendorRequest,
} from '@gatehouse/connector-kit';
import { AwsSnsConfigSchema, SnsErrorSchema, SnsPublishResultSchema, type AwsSnsConfig, type AwsSnsConfigInput } from './schema.js';
import { amzDate, sigV4Authorization } from './sigv4.js';
import { mapSnsError } from './errors.js';
import { xmlText } from './xml.js';

const VENDOR = 'aws-sns';

export const awsSns = defineSmsConnector<AwsSnsConfig, AwsSnsConfigInput>(
  {
    id: VENDOR,
    kind: 'sms',
    name: 'Amazon SNS (SMS)',
    configSchema: AwsSnsConfigSchema,
    secretFields: ['secretAccessKey', 'sessionToken'],
    operatorOnlyFields: { endpoint: null },
  },
  (config, deps) => {
    const now = deps.now ?? (() => new Date());
    const url = new URL(config.endpoint ?? `https://sns.${config.region}.amazonaws.com/`);
    return {
      async sendSms(msg) {
        const params: Array<[string, string]> = [
          ['Action', 'Publish'],
          ['Version', '2010-03-31'],
          ['PhoneNumber', toE164(msg)],
          ['Message', msg.text],
        ];
        const attrs: Array<[string, string]> = [['AWS.SNS.SMS.SMSType', config.smsType]];
        if (config.senderId) attrs.push(['AWS.SNS.SMS.SenderID', config.senderId]);
        if (config.originationNumber) attrs.push(['AWS.MM.SMS.OriginationNumber', config.originationNumber]);
        const templateId = config.templates?.[msg.channel] ?? config.templates?.['default'];
        if (templateId) attrs.push(['AWS.MM.SMS.TemplateId', templateId]);
        if (config.entityId) attrs.push(['AWS.MM.SMS.EntityId', config.entityId]);
        attrs.forEach(([name, value], i) => {
          const p = `MessageAttributes.entry.${i + 1}`;
          params.push([`${p}.Name`, name], [`${p}.Value.DataType`, 'String'], [`${p}.Value.StringValue`, value]);
        });
        const payload = params.map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
        const signed: Record<string, string> = {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          host: url.host,
          'x-amz-date': amzDate(now()),
        };
        if (config.sessionToken) signed['x-amz-security-token'] = config.sessionToken;
        const authorization = sigV4Authorization({
          method: 'POST',
          url,
          headers: signed,
          payload,
          region: config.region,
          service: 'sns',
          accessKeyId: config.accessKeyId,
          secretAccessKey: config.secretAccessKey,
          amzDate: signed['x-amz-date']!,
        });
        const { host: _host, ...sent } = signed; // fetch sets Host itself
        const res = await vendorRequest(deps.http, VENDOR, url.toString(), {
          method: 'POST',
          headers: { ...sent, authorization },
          body: payload,
          timeoutMs: config.timeoutMs,
        });
        if (res.status >= 200 && res.status < 300) {
          const ok = checkAs(SnsPublishResultSchema, { MessageId: xmlText(res.text, 'MessageId') });
          if (!ok) throw unreadableResponse(VENDOR, res.status);
          return { messageId: ok.MessageId };
        }
        const err = checkAs(SnsErrorSchema, { Code: xmlText(res.text, 'Code'), Message: xmlText(res.text, 'Message') ?? '' });
        if (!err) throw unreadableResponse(VENDOR, res.status);
        let code = mapSnsError(err.Code, err.Message);
        if (code === 'connector.rejected' && res.status >= 500) code = codeForStatus(res.status);
        throw new ConnectorError(code, `${VENDOR}: ${err.Code} (HTTP ${res.status})`);
      },
    };
  },
);
