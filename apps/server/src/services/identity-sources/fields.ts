import { Value } from '@sinclair/typebox/value';
import type { ConnectorManifest } from '@gatehouse/connector-kit';
import { AppError } from '../../errors/app-error.js';

/**
 * A connection's `fields` against its connector's manifest: the schema (`configSchema`) decides
 * what is valid, `secretFields` what is sealed and never returned, `operatorOnlyFields` which
 * endpoint fields a pool may set only to the vendor's own hosts.
 */

/** What a secret field reads as through the API. Sent back unchanged on update, it keeps the stored value. */
export const SECRET_MASK = '********';

/** Like `/clientSecret` → `fields.clientSecret`; `/attributeMap/mail` → `fields.attributeMap.mail`. */
const fieldPath = (path: string) => (path && path !== '/' ? `fields${path.replace(/\//g, '.')}` : 'fields');

/**
 * Throws `federation.invalid_field` naming the first failing field (never its value: it may be a
 * secret). Schema defaults are applied for the check only; the stored fields are what was sent.
 */
export function checkFields(manifest: ConnectorManifest, fields: unknown): Record<string, unknown> {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw new AppError('federation.invalid_field', { params: { field: 'fields', reason: 'must be an object' } });
  const withDefaults = Value.Default(manifest.configSchema, structuredClone(fields));
  const first = [...Value.Errors(manifest.configSchema, withDefaults)][0];
  if (first) throw new AppError('federation.invalid_field', { params: { field: fieldPath(first.path), reason: first.message }, details: [{ path: fieldPath(first.path), message: first.message }] });
  return fields as Record<string, unknown>;
}

/** Secret fields the caller left out, sent empty or sent back masked keep their stored values. */
export function keepSecrets(manifest: ConnectorManifest, next: Record<string, unknown>, stored: Record<string, unknown>): Record<string, unknown> {
  const out = { ...next };
  for (const k of manifest.secretFields) {
    const v = out[k];
    if ((v === undefined || v === '' || v === SECRET_MASK) && stored[k] !== undefined) out[k] = stored[k];
    else if (v === SECRET_MASK) delete out[k];
  }
  return out;
}

/** The fields as the API shows them: secret fields masked (present) or left out (absent). */
export function maskFields(manifest: ConnectorManifest | undefined, fields: Record<string, unknown>): Record<string, unknown> {
  const secrets = new Set(manifest?.secretFields ?? []);
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, secrets.has(k) && v !== undefined && v !== '' ? SECRET_MASK : v]));
}

/** Endpoint fields a pool may set only to the vendor's hosts (`outbound.operator_only_field` names the field). */
export async function checkOperatorOnly(manifest: ConnectorManifest, fields: Record<string, unknown>, checkUrl?: (url: string) => Promise<void>): Promise<void> {
  for (const [field, pattern] of Object.entries(manifest.operatorOnlyFields ?? {})) {
    const v = fields[field];
    if (v === undefined || v === null || v === '') continue;
    if (!pattern || typeof v !== 'string' || !pattern.test(v)) throw new AppError('outbound.operator_only_field', { params: { field: `fields.${field}` } });
    await checkUrl?.(v);
  }
}
