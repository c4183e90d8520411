/**
 * The `ldapUrl` field: one URL or several for failover (an array, or one string separated by
 * spaces or commas, as OpenLDAP's ldap.conf `URI` accepts). Only scheme, host and port are used
 * (RFC 4516 DN/filter parts would silently change what we search, so they are refused).
 */
import { isIP } from 'node:net';

export interface Endpoint {
  /** scheme://host:port, for messages and logs. */
  label: string;
  secure: boolean;
  host: string;
  port: number;
}

export function parseEndpoints(value: string | string[]): Endpoint[] | string {
  const items = (Array.isArray(value) ? value : value.split(/[\s,]+/)).map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) return 'no URL';
  if (items.length > 10) return 'more than 10 URLs';
  const out: Endpoint[] = [];
  for (const item of items) {
    let u: URL;
    try {
      u = new URL(item);
    } catch {
      return `not a URL: ${item.slice(0, 100)}`;
    }
    const scheme = u.protocol.replace(/:$/, '');
    if (scheme !== 'ldap' && scheme !== 'ldaps') return `scheme must be ldap:// or ldaps:// (${scheme}://)`;
    if (!u.hostname) return `no host in ${item.slice(0, 100)}`;
    if (u.username || u.password) return 'credentials do not belong in ldapUrl (use bindDn/bindPassword)';
    if ((u.pathname && u.pathname !== '/') || u.search || u.hash) return 'ldapUrl takes scheme://host[:port] only (put the base DN in baseDn)';
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const port = u.port ? Number(u.port) : scheme === 'ldaps' ? 636 : 389;
    out.push({ label: `${scheme}://${isIP(host) === 6 ? `[${host}]` : host}:${port}`, secure: scheme === 'ldaps', host, port });
  }
  return out;
}
