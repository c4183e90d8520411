/**
 * Alibaba Cloud SMS — Dysmsapi `SendSms` (API version 2017-05-25), RPC style, POST form body.
 * API reference: https://help.aliyun.com/document_detail/419273.html
 */
import { randomUUID } from 'node:crypto';
import {
  ConnectorError,
  mapVendorCode,
  parseJsonAs,
  templateFor,
  toE164,
  unreadableResponse,
  defineSmsConnector,
  vendorRequest,
} from '@gatehouse/connector-kit';
import { AliyunResponseSchema, AliyunSmsConfigSchema, type AliyunSmsConfig, type AliyunSmsConfigInput } from './schema.js';
import { aliyunTimestamp, canonicalQuery, rpcSignature } from './sign.js';
import { aliyunErrors } from './errors.js';

const VENDOR = 'aliyun-sms';

export const aliyunSms = defineSmsConnector<AliyunSmsConfig, AliyunSmsConfigInput>(
  {
    id: VENDOR,
    kind: 'sms',
    name: 'Alibaba Cloud SMS (阿里云短信)',
    configSchema: AliyunSmsConfigSchema,
    secretFields: ['accessKeySecret'],
    operatorOnlyFields: { endpoint: /^https:\/\/dysmsapi(\.[a-z0-9-]+)?\.aliyuncs\.com\/?$/ },
  },
  (config, deps) => {
    const now = deps.now ?? (() => new Date());
    return {
      async sendSms(msg) {
        const templateCode = templateFor(VENDOR, config.templates, msg.channel);
        const templateParam = Object.fromEntries(config.templateParamNames.map((n) => [n, msg.variables[n] ?? '']));
        const params: Record<string, string> = {
          AccessKeyId: config.accessKeyId,
          Action: 'SendSms',
          Format: 'JSON',
          RegionId: config.regionId,
          SignatureMethod: 'HMAC-SHA1',
          SignatureNonce: randomUUID(),
          SignatureVersion: '1.0',
          Timestamp: aliyunTimestamp(now()),
          Version: '2017-05-25',
          PhoneNumbers: aliyunPhone(toE164(msg)),
          SignName: config.signName,
          TemplateCode: templateCode,
          TemplateParam: JSON.stringify(templateParam),
        };
        const signature = rpcSignature('POST', params, config.accessKeySecret);
        const body = `${canonicalQuery(params)}&Signature=${encodeURIComponent(signature)}`;
        const res = await vendorRequest(deps.http, VENDOR, config.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body,
          timeoutMs: config.timeoutMs,
        });
        const parsed = parseJsonAs(AliyunResponseSchema, res.text);
        if (!parsed) throw unreadableResponse(VENDOR, res.status);
        if (parsed.Code === 'OK' && res.status < 300) return parsed.BizId ? { messageId: parsed.BizId } : {};
        let code = mapVendorCode(aliyunErrors, parsed.Code);
        if (code === 'connector.rejected' && res.status >= 500) code = 'connector.unavailable';
        throw new ConnectorError(code, `${VENDOR}: ${parsed.Code} (RequestId ${parsed.RequestId ?? '-'})`);
      },
    };
  },
);

/**
 * PhoneNumbers format (SendSms doc): mainland China as the bare 11-digit number; other
 * regions as country code + number without '+' or '00'.
 */
function aliyunPhone(e164: string): string {
  const digits = e164.slice(1);
  return /^861\d{10}$/.test(digits) ? digits.slice(2) : digits;
}
