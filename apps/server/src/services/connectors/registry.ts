import type { DirectoryConnectorFactory, EmailConnectorFactory, SmsConnectorFactory, SocialConnectorFactory } from '@gatehouse/connector-kit';
import { chinaSocialConnectorsByType, directoryConnectors, emailConnectors, smsConnectors, socialIntlConnectorsByType } from '@gatehouse/connectors';

/**
 * Connector factories of every kind, from `@gatehouse/connectors` (one folder per vendor, one
 * registry line there). Message connectors are found by id (SMS and email are separate
 * namespaces, `console` exists in both); identity providers and directories by the connection
 * `type` of the vendor SDK (`CreateExtIdpConnDto.type`: `github`, `wechat:pc`, `ldap`, …).
 * A seam so tests and plug-ins can add factories without touching the services that use them.
 */
export interface ConnectorRegistry {
  sms(id: string): SmsConnectorFactory | undefined;
  email(id: string): EmailConnectorFactory | undefined;
  social(type: string): SocialConnectorFactory | undefined;
  directory(type: string): DirectoryConnectorFactory | undefined;
  ids(kind: 'sms' | 'email' | 'social' | 'directory'): string[];
}

export interface ExtraConnectors {
  sms?: SmsConnectorFactory[];
  email?: EmailConnectorFactory[];
  social?: SocialConnectorFactory[];
  directory?: DirectoryConnectorFactory[];
}

function byKey<F>(base: Readonly<Record<string, F>>, extra: F[] | undefined, keys: (f: F) => string[]): Map<string, F> {
  const m = new Map<string, F>(Object.entries(base));
  for (const f of extra ?? []) for (const k of keys(f)) m.set(k, f);
  return m;
}

export function createConnectorRegistry(extra: ExtraConnectors = {}): ConnectorRegistry {
  const maps = {
    sms: byKey<SmsConnectorFactory>(smsConnectors, extra.sms, (f) => [f.manifest.id]),
    email: byKey<EmailConnectorFactory>(emailConnectors, extra.email, (f) => [f.manifest.id]),
    social: byKey<SocialConnectorFactory>({ ...socialIntlConnectorsByType, ...chinaSocialConnectorsByType }, extra.social, (f) => f.manifest.types),
    directory: byKey<DirectoryConnectorFactory>(directoryConnectors, extra.directory, (f) => [f.manifest.id]),
  };
  return {
    sms: (id) => maps.sms.get(id),
    email: (id) => maps.email.get(id),
    social: (type) => maps.social.get(type),
    directory: (type) => maps.directory.get(type),
    ids: (k) => [...maps[k].keys()].sort(),
  };
}
