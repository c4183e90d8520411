import { Value } from '@sinclair/typebox/value';
import type { ConnectorManifest } from '@gatehouse/connector-kit';

/**
 * A connector's configuration, checked and shown the one way for every kind (message services,
 * identity providers, directories): the manifest's `configSchema` is the contract — the API
 * validates with it and the console draws its form from it — and `secretFields` are write-only.
 */

/** The config with the schema's defaults filled in (a copy; the input is not touched). */
export const withDefaults = (manifest: ConnectorManifest, config: Record<string, unknown>): Record<string, unknown> =>
  Value.Default(manifest.configSchema, structuredClone(config)) as Record<string, unknown>;

/** The first schema violation as `{ field, message }` (field is a JSON pointer, `/` for the whole object), or null. */
export function firstConfigError(manifest: ConnectorManifest, config: Record<string, unknown>): { field: string; message: string } | null {
  const first = [...Value.Errors(manifest.configSchema, withDefaults(manifest, config))][0];
  return first ? { field: first.path || '/', message: first.message } : null;
}

/** The config as clients may see it: secret fields left out. */
export const withoutSecrets = (manifest: ConnectorManifest | undefined, config: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(config).filter(([k]) => !(manifest?.secretFields ?? []).includes(k)));

/**
 * An update that leaves a secret field out (or empty) keeps the stored value: clients never
 * see secrets, so they cannot send them back. Only meaningful when the connector is the same.
 */
export function keepingSecrets(manifest: ConnectorManifest | undefined, incoming: Record<string, unknown>, stored: Record<string, unknown> | null): Record<string, unknown> {
  const out = { ...incoming };
  if (!stored) return out;
  for (const k of manifest?.secretFields ?? []) if ((out[k] === undefined || out[k] === '') && stored[k] !== undefined) out[k] = stored[k];
  return out;
}

/**
 * Fields that decide where a connector connects (manifest `operatorOnlyFields`): a pool may set
 * them only to a value matching the vendor's own hosts, and the destination must pass the
 * outbound guard's configuration-time check. Returns the offending field name, or null.
 * This is a configuration-time check; the guard checks again at every connection (DNS may change).
 */
export async function operatorOnlyViolation(manifest: ConnectorManifest | undefined, config: Record<string, unknown>, checkUrl?: (url: string) => Promise<void>): Promise<string | null> {
  for (const [field, pattern] of Object.entries(manifest?.operatorOnlyFields ?? {})) {
    const v = config[field];
    if (v === undefined || v === null || v === '') continue;
    if (!pattern || typeof v !== 'string' || !pattern.test(v)) return field;
    await checkUrl?.(v);
  }
  return null;
}
