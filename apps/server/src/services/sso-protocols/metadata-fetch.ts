import type { HttpClient } from '@gatehouse/connector-kit';

/**
 * Fetches a service provider's metadata document for `samlConfig.spMetadataUrl`: an outbound
 * request to an address an administrator typed, so it goes through the server's one outbound
 * guard (services/outbound: no private, loopback, link-local or metadata-service targets, checked
 * on the address actually connected to, no redirects followed into them), https only, 10 s and
 * 512 KiB at most. It does not protect against a public host that serves wrong metadata: the
 * administrator vouches for the URL.
 */
export async function fetchSpMetadata(outbound: { http: HttpClient }, url: string, opts: { timeoutMs?: number; maxBytes?: number } = {}): Promise<string> {
  if (new URL(url).protocol !== 'https:') throw new Error('metadata URLs must use https');
  const res = await outbound.http(url, { method: 'GET', headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' }, timeoutMs: opts.timeoutMs ?? 10_000 });
  if (res.status !== 200) throw new Error(`metadata URL answered ${res.status}`);
  if (Buffer.byteLength(res.text, 'utf8') > (opts.maxBytes ?? 512 * 1024)) throw new Error('metadata document too large');
  return res.text;
}
