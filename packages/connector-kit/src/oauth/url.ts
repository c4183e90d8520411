/** Small URL and scope helpers shared by the identity-provider connectors. */

/** `endpoint?k=v&…`, keeping any query the endpoint already has and dropping undefined/empty values. */
export function buildUrl(endpoint: string, params: Record<string, string | undefined>): string {
  const url = new URL(endpoint);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') url.searchParams.set(k, v);
  return url.toString();
}

/** Splits a configured scope string (spaces or commas), adds the mandatory ones, keeps order, drops duplicates. */
export function scopeList(configured: string | undefined, mandatory: string[] = []): string[] {
  const out: string[] = [];
  for (const s of [...mandatory, ...(configured ?? '').split(/[\s,]+/)]) if (s && !out.includes(s)) out.push(s);
  return out;
}

/** `https://host/path/` → `https://host/path` (configured base URLs). */
export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Copies only string values of the allowed hint names (login_hint, prompt …) into authorization parameters. */
export function pickHints(hints: Record<string, string> | undefined, allowed: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of allowed) {
    const v = hints?.[name];
    if (typeof v === 'string' && v) out[name] = v;
  }
  return out;
}
