/**
 * Chuanglan 253 (创蓝云智) — domestic SMS submit, `POST /msg/send/json` with a JSON body
 * {account, password, msg, phone, report}; the answer's `code` "0" means accepted.
 * Reference: "253云通讯 PaaS 短信云接口说明（JSON 版）", https://www.253.com/#/document/1.
 * Mainland China numbers only: 253's international API is a separate account and endpoint.
 */
import {
  ConnectorError,
  mapVendorCode,
  parseJsonAs,
  toE164,
  unreadableResponse,
  defineSmsConnector,
  vendorRequest,
} from '@gatehouse/connector-kit';
import { ChuanglanConfigSchema, ChuanglanResponseSchema, type ChuanglanConfig, type ChuanglanConfigInput } from './schema.js';
import { chuanglanErrors } from './errors.js';

const VENDOR = 'chuanglan';

export const chuanglan = defineSmsConnector<ChuanglanConfig, ChuanglanConfigInput>(
  {
    id: VENDOR,
    kind: 'sms',
    name: 'Chuanglan 253 (创蓝云智)',
    configSchema: ChuanglanConfigSchema,
    secretFields: ['password'],
    operatorOnlyFields: { endpoint: /^https:\/\/[a-z0-9-]+\.253\.com(\/[A-Za-z0-9/._-]*)?$/ },
  },
  (config, deps) => {
    return {
      async sendSms(msg) {
        const e164 = toE164(msg);
        if (!/^\+861\d{10}$/.test(e164)) {
          throw new ConnectorError('connector.invalid_recipient', `${VENDOR}: only mainland China numbers are supported`);
        }
        const sign = `【${config.signName}】`;
        const body = JSON.stringify({
          account: config.account,
          password: config.password,
          msg: msg.text.startsWith(sign) ? msg.text : `${sign}${msg.text}`,
          phone: e164.slice(3),
          report: String(config.report),
        });
        const res = await vendorRequest(deps.http, VENDOR, config.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body,
          timeoutMs: config.timeoutMs,
        });
        const parsed = res.status < 300 ? parseJsonAs(ChuanglanResponseSchema, res.text) : undefined;
        if (!parsed) throw unreadableResponse(VENDOR, res.status);
        if (parsed.code === '0') return parsed.msgId ? { messageId: parsed.msgId } : {};
        throw new ConnectorError(mapVendorCode(chuanglanErrors, parsed.code), `${VENDOR}: code ${parsed.code}`);
      },
    };
  },
);
