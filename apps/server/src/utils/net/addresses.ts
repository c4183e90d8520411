import { isIP } from 'node:net';

/**
 * Which IP addresses an outbound connection steered by a user pool may reach (security.md §0
 * item 31; Keycloak CVE-2020-10770 class). Everything that is not a public unicast address is
 * refused: loopback, private (RFC 1918, ULA), carrier-grade NAT (RFC 6598, where Alibaba's
 * metadata service 100.100.100.200 lives), link-local (169.254.0.0/16 with the AWS/GCP/Azure
 * metadata address 169.254.169.254, fe80::/10), unspecified, multicast, broadcast, reserved and
 * documentation ranges (IANA special-purpose registries, RFC 6890). IPv6 forms that carry an
 * IPv4 address (v4-mapped ::ffff:a.b.c.d, v4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4
 * 2002::/16, Teredo 2001::/32) are judged by the IPv4 address inside, so `::ffff:127.0.0.1`
 * is loopback.
 *
 * What this does not protect against: a public address that is internal to the operator's
 * network by routing (e.g. a public range used inside a VPC) — list those in the firewall.
 */

interface V4Range {
  base: number;
  bits: number;
  label: string;
}

const v4 = (cidr: string, label: string): V4Range => {
  const [ip, bits] = cidr.split('/') as [string, string];
  return { base: ipv4ToInt(ip)!, bits: Number(bits), label };
};

const V4_BLOCKED: V4Range[] = [
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'carrier-grade NAT'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'IETF protocol assignments'),
  v4('192.0.2.0/24', 'documentation'),
  v4('192.88.99.0/24', '6to4 relay'),
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'benchmarking'),
  v4('198.51.100.0/24', 'documentation'),
  v4('203.0.113.0/24', 'documentation'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'),
];

/** a.b.c.d → 32-bit unsigned, or null when not a dotted-quad IPv4 address. */
export function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n >>> 0;
}

const inV4 = (n: number, r: { base: number; bits: number }) => r.bits === 0 || n >>> (32 - r.bits) === r.base >>> (32 - r.bits);

/** The 16 bytes of an IPv6 address (zone id dropped, embedded dotted IPv4 understood), or null. */
export function ipv6Bytes(input: string): number[] | null {
  let ip = input.toLowerCase();
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  if (isIP(ip) !== 6) return null;
  let tail: number[] = [];
  const lastColon = ip.lastIndexOf(':');
  const last = ip.slice(lastColon + 1);
  if (last.includes('.')) {
    const n = ipv4ToInt(last);
    if (n === null) return null;
    tail = [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    ip = `${ip.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = ip.includes('::') ? (ip.split('::') as [string, string]) : [ip, undefined];
  const words = (s: string) => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const h = words(head);
  const r = rest === undefined ? [] : words(rest);
  const groups = rest === undefined ? h : [...h, ...new Array(8 - h.length - r.length).fill(0), ...r];
  if (groups.length !== 8) return null;
  const bytes = groups.flatMap((g) => [(g >> 8) & 255, g & 255]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

const bytesToV4 = (b: number[], at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
const prefixIs = (b: number[], prefix: number[], bits: number) => {
  for (let i = 0; i < bits; i++) {
    const bit = (b[i >> 3]! >> (7 - (i & 7))) & 1;
    const want = (prefix[i >> 3]! >> (7 - (i & 7))) & 1;
    if (bit !== want) return false;
  }
  return true;
};
const hex = (s: string) => (s.match(/../g) ?? []).map((x) => parseInt(x, 16));

/** IPv6 ranges refused outright (IANA IPv6 special-purpose registry). */
const V6_BLOCKED: Array<{ prefix: number[]; bits: number; label: string }> = [
  { prefix: hex('0100000000000000'), bits: 64, label: 'discard' },
  { prefix: hex('20010db8'), bits: 32, label: 'documentation' },
  { prefix: hex('2001'), bits: 23, label: 'IETF protocol assignments' },
  { prefix: hex('3fff'), bits: 20, label: 'documentation' },
  { prefix: hex('5f00'), bits: 16, label: 'segment routing' },
  { prefix: hex('fc'), bits: 7, label: 'unique local (private)' },
  { prefix: hex('fe80'), bits: 10, label: 'link-local' },
  { prefix: hex('fec0'), bits: 10, label: 'site-local' },
  { prefix: hex('ff'), bits: 8, label: 'multicast' },
  { prefix: hex('0064ff9b0001'), bits: 48, label: 'local NAT64' },
];

/**
 * Why an address may not be reached, or null for a public unicast address. Anything that is not
 * a well-formed IP address is refused ('not an IP address').
 */
export function blockedReason(address: string): string | null {
  const n = ipv4ToInt(address);
  if (n !== null) {
    for (const r of V4_BLOCKED) if (inV4(n, r)) return r.label;
    return null;
  }
  const b = ipv6Bytes(address);
  if (!b) return 'not an IP address';
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 16)) return 'unspecified';
  if (zeros(0, 15) && b[15] === 1) return 'loopback';
  // IPv4 inside IPv6: judged by the IPv4 address (mapped, compatible, NAT64, 6to4, Teredo).
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4Inside(bytesToV4(b, 12), 'IPv4-mapped');
  if (zeros(0, 12)) return v4Inside(bytesToV4(b, 12), 'IPv4-compatible') ?? 'IPv4-compatible (deprecated)';
  if (prefixIs(b, hex('0064ff9b'), 32) && zeros(4, 12)) return v4Inside(bytesToV4(b, 12), 'NAT64');
  if (prefixIs(b, hex('2002'), 16)) return v4Inside(bytesToV4(b, 2), '6to4') ?? '6to4';
  if (prefixIs(b, hex('20010000'), 32)) return 'Teredo';
  for (const r of V6_BLOCKED) if (prefixIs(b, r.prefix, r.bits)) return r.label;
  return null;
}

function v4Inside(ip: string, how: string): string | null {
  const reason = blockedReason(ip);
  return reason ? `${reason} (${how})` : null;
}

/** A CIDR or single address of the operator's allow-list. */
export interface Cidr {
  family: 4 | 6;
  bytes: number[];
  bits: number;
}

/** `127.0.0.0/8`, `10.1.2.3`, `fd00::/8`, `::1` → Cidr; null when not an address or CIDR. */
export function parseCidr(text: string): Cidr | null {
  const [ip, bitsText, extra] = text.trim().split('/');
  if (!ip || extra !== undefined) return null;
  const n = ipv4ToInt(ip);
  const bytes = n !== null ? [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255] : ipv6Bytes(ip);
  if (!bytes) return null;
  const family = n !== null ? 4 : 6;
  const max = family === 4 ? 32 : 128;
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return null;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (bits > max) return null;
  return { family, bytes, bits };
}

/** Whether `address` lies in `cidr` (an IPv4-mapped IPv6 address also matches an IPv4 CIDR). */
export function inCidr(address: string, cidr: Cidr): boolean {
  let bytes: number[] | null;
  const n = ipv4ToInt(address);
  if (n !== null) bytes = [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  else {
    bytes = ipv6Bytes(address);
    if (bytes && cidr.family === 4 && bytes.slice(0, 10).every((x) => x === 0) && bytes[10] === 0xff && bytes[11] === 0xff) bytes = bytes.slice(12);
  }
  if (!bytes || bytes.length !== cidr.bytes.length) return false;
  return prefixIs(bytes, cidr.bytes, cidr.bits);
}
