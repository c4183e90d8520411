/** Building connector errors from vendor error codes, and the checks every flow shares. */
import { codeForStatus, ConnectorError, mapVendorCode, type ConnectorErrorCode, type VendorErrorTable } from '@gatehouse/connector-kit';

/**
 * A ConnectorError for a vendor failure: the closed code from `table`, and the vendor's own code
 * and message in `vendorDetail` (for logs; the server never shows it to the user). Vendor
 * messages of these APIs carry a request id (`rid: …`), never our secrets.
 */
export function vendorError(vendor: string, table: VendorErrorTable, code: string | number, message?: string): ConnectorError {
  const c = String(code);
  return new ConnectorError(mapVendorCode(table, c), `${vendor}: ${c}${message ? ` ${truncate(message)}` : ''}`);
}

export function connectorError(code: ConnectorErrorCode, vendor: string, detail: string): ConnectorError {
  return new ConnectorError(code, `${vendor}: ${detail}`);
}

/** A flow this connection type does not have (e.g. a redirect on `wechat:mobile`). */
export function flowNotSupported(vendor: string, what: string): ConnectorError {
  return new ConnectorError('connector.invalid_config', `${vendor}: ${what} is not a flow of this connection type`);
}

/** A required, non-empty string field of a callback or mobile payload; anything else is an unusable code. */
export function requiredString(vendor: string, source: Record<string, unknown>, ...names: string[]): string {
  for (const name of names) {
    const v = source[name];
    if (typeof v === 'string' && v.length > 0 && v.length <= 4096) return v;
  }
  throw new ConnectorError('connector.invalid_grant', `${vendor}: missing ${names.join(' or ')}`);
}

/** An optional string field: undefined when absent or empty, invalid_grant when present but not a string. */
export function optionalString(vendor: string, source: Record<string, unknown>, name: string): string | undefined {
  const v = source[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string' && v.length <= 65_536) return v;
  throw new ConnectorError('connector.invalid_grant', `${vendor}: ${name} is not a string`);
}

/** An object-valued field of a payload (e.g. `wxLoginInfo`). */
export function requiredObject(vendor: string, source: Record<string, unknown>, name: string): Record<string, unknown> {
  const v = source[name];
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  throw new ConnectorError('connector.invalid_grant', `${vendor}: missing ${name}`);
}

/**
 * The provider's "the user refused" on the callback (`error=access_denied` for OAuth providers,
 * or no code at all for WeChat, which then redirects with only `state`).
 */
export function refusedOnCallback(vendor: string, params: Record<string, string>, codeNames: string[]): ConnectorError | undefined {
  if (params['error']) {
    const e = params['error'];
    return new ConnectorError(e === 'access_denied' ? 'connector.access_denied' : 'connector.rejected', `${vendor}: callback error=${truncate(e)}`);
  }
  if (!codeNames.some((n) => params[n])) return new ConnectorError('connector.access_denied', `${vendor}: callback without ${codeNames.join('/')} (consent refused)`);
  return undefined;
}

function truncate(s: string): string {
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

/**
 * A response we could not use: a non-2xx status is classified by status (5xx → unavailable,
 * 429 → rate_limited, 401/403 → auth_failed); a 2xx body that does not fit the schema is
 * `connector.invalid_response`.
 */
export function badResponse(vendor: string, status: number, what = 'response'): ConnectorError {
  if (status >= 200 && status < 300) return new ConnectorError('connector.invalid_response', `${vendor}: unexpected ${what} (HTTP ${status})`);
  return new ConnectorError(codeForStatus(status), `${vendor}: unexpected ${what} (HTTP ${status})`);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
