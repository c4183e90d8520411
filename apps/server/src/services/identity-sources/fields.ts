import type { ConnectorManifest } from '@gatehouse/connector-kit';
import { AppError } from '../../errors/app-error.js';
import { firstConfigError, keepingSecrets, operatorOnlyViolation } from '../connectors/index.js';

/**
 * A connection's `fields` against its connector's manifest, through the connector runtime
 * (services/connectors): the schema decides what is valid, `secretFields` what is write-only,
 * `operatorOnlyFields` which endpoint fields a pool may set only to the vendor's own hosts.
 */

/**
 * What a secret field reads as through the API (present, value hidden: the console shows that
 * one is set). Sent back unchanged on update, it keeps the stored value.
 */
export const SECRET_MASK = '********';

/** Like `/clientSecret` → `fields.clientSecret`; `/attributeMap/mail` → `fields.attributeMap.mail`. */
const fieldPath = (path: string) => (path && path !== '/' ? `fields${path.replace(/\//g, '.')}` : 'fields');

const notObject = () => new AppError('federation.invalid_field', { params: { field: 'fields', reason: 'must be an object' } });

export function asFields(fields: unknown): Record<string, unknown> {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw notObject();
  return fields as Record<string, unknown>;
}

/**
 * Throws `federation.invalid_field` naming the first failing field (never its value: it may be a
 * secret). Defaults are applied for the check only; what is stored is what was sent.
 */
export function checkFields(manifest: ConnectorManifest, fields: unknown): Record<string, unknown> {
  const f = asFields(fields);
  const err = firstConfigError(manifest, f);
  if (err) throw new AppError('federation.invalid_field', { params: { field: fieldPath(err.field), reason: err.message }, details: [{ path: fieldPath(err.field), message: err.message }] });
  return f;
}

/** Secret fields the caller left out, sent empty or sent back masked keep their stored values. */
export function keepSecrets(manifest: ConnectorManifest, next: Record<string, unknown>, stored: Record<string, unknown>): Record<string, unknown> {
  const unmasked = Object.fromEntries(Object.entries(next).filter(([k, v]) => !(manifest.secretFields.includes(k) && v === SECRET_MASK)));
  return keepingSecrets(manifest, unmasked, stored);
}

/** The fields as the API shows them: secret fields masked. */
export function maskFields(manifest: ConnectorManifest | undefined, fields: Record<string, unknown>): Record<string, unknown> {
  const secrets = new Set(manifest?.secretFields ?? []);
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, secrets.has(k) && v !== undefined && v !== '' ? SECRET_MASK : v]));
}

/** Endpoint fields a pool may set only to the vendor's hosts (`outbound.operator_only_field` names the field). */
export async function checkOperatorOnly(manifest: ConnectorManifest, fields: Record<string, unknown>, checkUrl?: (url: string) => Promise<void>): Promise<void> {
  const field = await operatorOnlyViolation(manifest, fields, checkUrl);
  if (field) throw new AppError('outbound.operator_only_field', { params: { field: `fields.${field}` } });
}
