/**
 * GATEHOUSE_UPSTREAM_OVERRIDES: the server operator sends every outbound call meant for a
 * provider origin to another origin instead — a local fake in tests, a vendor's regional or
 * private endpoint, an egress proxy that speaks the vendor API. A user pool cannot do this:
 * vendor endpoints in a pool's connector settings are fixed (docs/security.md "Outbound
 * connections").
 *
 * The setting is a JSON object `{"https://api.twilio.com": "http://127.0.0.1:9001", …}`. Keys and
 * values are origins (scheme, host, optional port; no path, query or credentials). A URL whose
 * origin equals a key keeps its path and query and gets the value's origin. The targets are
 * implicitly allowed by the outbound guard (they are the operator's choice), plain http included.
 */
export type UpstreamOverrides = ReadonlyMap<string, string>;

/** Origin of an http(s) URL, lower-cased, default port dropped (`https://Example.com:443/x` → `https://example.com`). */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.origin;
  } catch {
    return null;
  }
}

/** Problems of an overrides setting, for the config loader (empty when fine). */
export function overridesProblems(raw: string): string[] {
  if (!raw.trim()) return [];
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return ['must be a JSON object like {"https://github.com":"http://127.0.0.1:9001"}'];
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return ['must be a JSON object mapping provider origins to local origins'];
  const problems: string[] = [];
  for (const [from, to] of Object.entries(v as Record<string, unknown>)) {
    if (!isBareOrigin(from)) problems.push(`key ${JSON.stringify(from)} is not an origin (scheme://host[:port], http or https, nothing after it)`);
    if (typeof to !== 'string' || !isBareOrigin(to)) problems.push(`value of ${JSON.stringify(from)} is not an origin (scheme://host[:port], http or https, nothing after it)`);
  }
  return problems;
}

function isBareOrigin(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password && (u.pathname === '/' || u.pathname === '') && !u.search && !u.hash && !/\/.+/.test(s.replace(/^[a-z]+:\/\//i, ''));
  } catch {
    return false;
  }
}

/** Parses a (validated) setting into origin → origin. */
export function parseOverrides(raw: string | Record<string, string> | undefined): UpstreamOverrides {
  if (!raw) return new Map();
  const obj = typeof raw === 'string' ? (raw.trim() ? (JSON.parse(raw) as Record<string, string>) : {}) : raw;
  const map = new Map<string, string>();
  for (const [from, to] of Object.entries(obj)) {
    const f = originOf(from);
    const t = originOf(to);
    if (f && t) map.set(f, t);
  }
  return map;
}

/** The URL with its origin replaced when the operator mapped that origin; otherwise unchanged. */
export function rewriteUrl(overrides: UpstreamOverrides, url: string): string {
  if (overrides.size === 0) return url;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  const to = overrides.get(u.origin);
  if (!to) return url;
  const target = new URL(to);
  u.protocol = target.protocol;
  u.hostname = target.hostname;
  u.port = target.port;
  return u.toString();
}
