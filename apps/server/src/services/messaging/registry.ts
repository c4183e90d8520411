import type { EmailConnectorFactory, SmsConnectorFactory } from '@gatehouse/connector-kit';
import { emailConnectors, smsConnectors } from '@gatehouse/connectors';

/**
 * Connector factories by id, from `@gatehouse/connectors` (one folder per vendor; SMS and
 * email ids are separate namespaces, `console` exists in both). A seam so tests and future
 * plug-ins can add factories without touching the providers service.
 */
export interface ConnectorRegistry {
  sms(id: string): SmsConnectorFactory | undefined;
  email(id: string): EmailConnectorFactory | undefined;
  ids(kind: 'sms' | 'email'): string[];
}

export function createConnectorRegistry(extra: { sms?: SmsConnectorFactory[]; email?: EmailConnectorFactory[] } = {}): ConnectorRegistry {
  const sms = new Map<string, SmsConnectorFactory>(Object.entries(smsConnectors) as Array<[string, SmsConnectorFactory]>);
  const email = new Map<string, EmailConnectorFactory>(Object.entries(emailConnectors) as Array<[string, EmailConnectorFactory]>);
  for (const f of extra.sms ?? []) sms.set(f.manifest.id, f);
  for (const f of extra.email ?? []) email.set(f.manifest.id, f);
  return { sms: (id) => sms.get(id), email: (id) => email.get(id), ids: (k) => [...(k === 'sms' ? sms : email).keys()].sort() };
}
