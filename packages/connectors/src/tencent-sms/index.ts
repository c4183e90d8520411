/**
 * Tencent Cloud SMS — `SendSms`, API 3.0 version 2021-01-11, JSON POST signed with TC3-HMAC-SHA256.
 * API reference: https://cloud.tencent.com/document/product/382/55981
 */
import {
  ConnectorError,
  mapVendorCode,
  orderedVariables,
  parseJsonAs,
  templateFor,
  toE164,
  unreadableResponse,
  defineSmsConnector,
  vendorRequest,
} from '@gatehouse/connector-kit';
import { TencentResponseSchema, TencentSmsConfigSchema, type TencentSmsConfig, type TencentSmsConfigInput } from './schema.js';
import { tc3Authorization } from './sign.js';
import { tencentErrors } from './errors.js';

const VENDOR = 'tencent-sms';

export const tencentSms = defineSmsConnector<TencentSmsConfig, TencentSmsConfigInput>(
  {
    id: VENDOR,
    kind: 'sms',
    name: 'Tencent Cloud SMS (腾讯云短信)',
    configSchema: TencentSmsConfigSchema,
    secretFields: ['secretKey'],
    operatorOnlyFields: { endpoint: /^https:\/\/sms(\.[a-z0-9-]+)?\.tencentcloudapi\.com\/?$/ },
  },
  (config, deps) => {
    const now = deps.now ?? (() => new Date());
    const host = new URL(config.endpoint).host;
    return {
      async sendSms(msg) {
        const payload = JSON.stringify({
          PhoneNumberSet: [toE164(msg)], // E.164 with '+'
          SmsSdkAppId: config.sdkAppId,
          SignName: config.signName,
          TemplateId: templateFor(VENDOR, config.templates, msg.channel),
          TemplateParamSet: orderedVariables(config.templateParamNames, msg.variables),
        });
        const timestamp = Math.floor(now().getTime() / 1000);
        const signed = { 'content-type': 'application/json; charset=utf-8', 'x-tc-action': 'SendSms' };
        const headers = {
          ...signed,
          authorization: tc3Authorization({
            secretId: config.secretId,
            secretKey: config.secretKey,
            service: 'sms',
            host,
            headers: signed,
            payload,
            timestamp,
          }),
          'x-tc-timestamp': String(timestamp),
          'x-tc-version': '2021-01-11',
          'x-tc-region': config.region,
        };
        const res = await vendorRequest(deps.http, VENDOR, config.endpoint, {
          method: 'POST',
          headers,
          body: payload,
          timeoutMs: config.timeoutMs,
        });
        const parsed = parseJsonAs(TencentResponseSchema, res.text);
        if (!parsed) throw unreadableResponse(VENDOR, res.status);
        const { Error: err, SendStatusSet: set, RequestId } = parsed.Response;
        const failure = err?.Code ?? (set?.[0] && set[0].Code !== 'Ok' ? set[0].Code : undefined);
        if (failure) {
          throw new ConnectorError(mapVendorCode(tencentErrors, failure), `${VENDOR}: ${failure} (RequestId ${RequestId ?? '-'})`);
        }
        if (!set?.[0] || res.status >= 300) throw unreadableResponse(VENDOR, res.status);
        return set[0].SerialNo ? { messageId: set[0].SerialNo } : {};
      },
    };
  },
);
