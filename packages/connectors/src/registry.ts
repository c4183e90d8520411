/**
 * Connector registry: factories by id. Adding a vendor is one folder plus one line here.
 * SMS and email ids are separate namespaces ('console' exists in both).
 */
import type { EmailConnectorFactory, SmsConnectorFactory } from '@gatehouse/connector-kit';
import { aliyunSms } from './aliyun-sms/index.js';
import { tencentSms } from './tencent-sms/index.js';
import { twilio } from './twilio/index.js';
import { awsSns } from './aws-sns/index.js';
import { chuanglan } from './chuanglan/index.js';
import { consoleEmail, consoleSms } from './console/index.js';
import { smtp } from './smtp/index.js';

// Factories are generic in their config type; the registry erases it (config is validated by id).
type AnySms = SmsConnectorFactory<any>;
type AnyEmail = EmailConnectorFactory<any>;

export const smsConnectors: Readonly<Record<string, AnySms>> = Object.freeze({
  [aliyunSms.manifest.id]: aliyunSms,
  [tencentSms.manifest.id]: tencentSms,
  [twilio.manifest.id]: twilio,
  [awsSns.manifest.id]: awsSns,
  [chuanglan.manifest.id]: chuanglan,
  [consoleSms.manifest.id]: consoleSms,
});

export const emailConnectors: Readonly<Record<string, AnyEmail>> = Object.freeze({
  [smtp.manifest.id]: smtp,
  [consoleEmail.manifest.id]: consoleEmail,
});

export function getSmsConnectorFactory(id: string): AnySms | undefined {
  return Object.hasOwn(smsConnectors, id) ? smsConnectors[id] : undefined;
}

export function getEmailConnectorFactory(id: string): AnyEmail | undefined {
  return Object.hasOwn(emailConnectors, id) ? emailConnectors[id] : undefined;
}
