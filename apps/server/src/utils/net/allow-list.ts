import { isIP } from 'node:net';
import { inCidr, parseCidr, type Cidr } from './addresses.js';

/**
 * GATEHOUSE_OUTBOUND_ALLOW: comma-separated host names, IP addresses and CIDRs the server
 * operator allows outbound connections to even though they are internal (a mail relay on
 * 127.0.0.1, an SMS gateway in 10.0.0.0/8) — and, for those targets, plain http://. It applies to
 * every user pool: list only what every pool may reach.
 */
export interface AllowList {
  hosts: ReadonlySet<string>;
  cidrs: readonly Cidr[];
  entries: readonly string[];
}

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

const split = (raw: string | readonly string[] | undefined) =>
  (typeof raw === 'string' ? raw.split(',') : [...(raw ?? [])]).map((s) => s.trim()).filter(Boolean);

/** Problems of an allow-list setting, for the config loader (empty when fine). */
export function allowListProblems(raw: string): string[] {
  const problems: string[] = [];
  for (const e of split(raw)) {
    if (e.includes('/') || isIP(e) || /^[0-9a-f:.]+$/i.test(e)) {
      if (!parseCidr(e)) problems.push(`${JSON.stringify(e)} is not an IP address or CIDR`);
    } else if (!HOST_NAME.test(e)) problems.push(`${JSON.stringify(e)} is not a host name, IP address or CIDR`);
  }
  return problems;
}

export function parseAllowList(raw: string | readonly string[] | undefined): AllowList {
  const hosts = new Set<string>();
  const cidrs: Cidr[] = [];
  const entries = split(raw);
  for (const e of entries) {
    const c = e.includes('/') || isIP(e) ? parseCidr(e) : null;
    if (c) cidrs.push(c);
    else hosts.add(e.toLowerCase().replace(/\.$/, ''));
  }
  return { hosts, cidrs, entries };
}

/** Whether the operator allowed this host name or this address. */
export function allowed(list: AllowList, host: string, address?: string): boolean {
  if (list.hosts.has(host.toLowerCase().replace(/\.$/, ''))) return true;
  return address !== undefined && list.cidrs.some((c) => inCidr(address, c));
}
