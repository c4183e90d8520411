/**
 * Parsing vendor responses: every body goes through a TypeBox schema before the connector
 * reads it (design.md §4). A body that does not fit is classified by HTTP status only.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConnectorError, type ConnectorErrorCode } from './types.js';

/** JSON.parse + Value.Check; undefined when the text is not JSON or does not fit the schema. */
export function parseJsonAs<T extends TSchema>(schema: T, text: string): Static<T> | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  return Value.Check(schema, data) ? (data as Static<T>) : undefined;
}

/** Value.Check on an already-built object (e.g. fields pulled out of an XML body). */
export function checkAs<T extends TSchema>(schema: T, data: unknown): Static<T> | undefined {
  return Value.Check(schema, data) ? (data as Static<T>) : undefined;
}

/**
 * Code for a response whose body we could not understand. 5xx → unavailable (retry), 429 →
 * rate_limited, 401/403 → auth_failed. Anything else is `rejected`: a 2xx we cannot read may
 * already have been sent, and retrying it would send the code twice.
 */
export function codeForStatus(status: number): ConnectorErrorCode {
  if (status >= 500) return 'connector.unavailable';
  if (status === 429) return 'connector.rate_limited';
  if (status === 401 || status === 403) return 'connector.auth_failed';
  return 'connector.rejected';
}

export function unreadableResponse(vendor: string, status: number): ConnectorError {
  return new ConnectorError(codeForStatus(status), `${vendor}: unexpected response (HTTP ${status})`);
}

/** Vendor error-code table: exact codes first, then prefixes such as 'LimitExceeded.'. */
export interface VendorErrorTable {
  exact: Record<string, ConnectorErrorCode>;
  prefixes?: Array<[prefix: string, code: ConnectorErrorCode]>;
  fallback?: ConnectorErrorCode;
}

export function mapVendorCode(table: VendorErrorTable, vendorCode: string): ConnectorErrorCode {
  const exact = table.exact[vendorCode];
  if (exact) return exact;
  for (const [prefix, code] of table.prefixes ?? []) if (vendorCode.startsWith(prefix)) return code;
  return table.fallback ?? 'connector.rejected';
}
