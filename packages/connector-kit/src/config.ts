/** Helpers for connector config and messages. */
import { Value } from '@sinclair/typebox/value';
import { ConnectorError, type ConnectorDeps, type ConnectorManifest, type EmailConnector, type EmailConnectorFactory, type SmsConnector, type SmsConnectorFactory, type SmsMessage } from './types.js';

/**
 * Validates config against the manifest's schema (defaults applied). Throws
 * `connector.invalid_config` naming the failing paths only, never the values (they may be secrets).
 */
export function validateConfig<C>(manifest: ConnectorManifest, config: unknown): C {
  const withDefaults = Value.Default(manifest.configSchema, structuredClone(config ?? {}));
  if (Value.Check(manifest.configSchema, withDefaults)) return withDefaults as C;
  const paths = [...Value.Errors(manifest.configSchema, withDefaults)].map((e) => e.path || '/');
  throw new ConnectorError('connector.invalid_config', `${manifest.id}: invalid config at ${[...new Set(paths)].join(', ')}`);
}

/**
 * Template id for a message channel: `templates[channel]`, else `templates.default`.
 * A channel without a template is a config error, not a vendor error.
 */
export function templateFor(vendor: string, templates: Record<string, string> | undefined, channel: string): string {
  const id = templates?.[channel] ?? templates?.['default'];
  if (!id) throw new ConnectorError('connector.invalid_config', `${vendor}: no template for channel ${channel}`);
  return id;
}

/** Picks template variables in the configured order (missing ones become ''). */
export function orderedVariables(names: string[], variables: Record<string, string>): string[] {
  return names.map((n) => variables[n] ?? '');
}

/** `+<country><number>` from a message: keeps a leading '+', else prefixes phoneCountryCode. */
export function toE164(msg: Pick<SmsMessage, 'phone' | 'phoneCountryCode'>): string {
  const phone = msg.phone.replace(/[\s-]/g, '');
  if (phone.startsWith('+')) return phone;
  if (phone.startsWith('00')) return `+${phone.slice(2)}`;
  const cc = (msg.phoneCountryCode ?? '+86').replace(/^\+?/, '');
  return `+${cc}${phone}`;
}

/** Config as callers may pass it: keys that have schema defaults become optional. */
export type WithDefaults<C, K extends keyof C> = Omit<C, K> & Partial<Pick<C, K>>;

/**
 * The skeleton every message connector shares: the config is validated against the manifest's
 * schema (defaults applied, `connector.invalid_config` naming the paths) before the connector's
 * own `build` runs, and the connector carries its manifest. A connector file is then its
 * manifest and what it does with a valid config.
 */
export function defineSmsConnector<C, I = C>(manifest: ConnectorManifest & { kind: 'sms' }, build: (config: C, deps: ConnectorDeps) => Omit<SmsConnector, 'manifest'>): SmsConnectorFactory<I> {
  return { manifest, create: (raw, deps) => ({ manifest, ...build(validateConfig<C>(manifest, raw), deps) }) };
}

export function defineEmailConnector<C, I = C>(manifest: ConnectorManifest & { kind: 'email' }, build: (config: C, deps: ConnectorDeps) => Omit<EmailConnector, 'manifest'>): EmailConnectorFactory<I> {
  return { manifest, create: (raw, deps) => ({ manifest, ...build(validateConfig<C>(manifest, raw), deps) }) };
}
