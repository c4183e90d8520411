import { lookup } from 'node:dns';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';

/**
 * Fetches a service provider's metadata document for `samlConfig.spMetadataUrl`: an outbound
 * request to an address an administrator typed, so it is confined like every outbound call
 * (security checklist: no private, loopback, link-local or metadata-service targets, checked on
 * the address actually connected to, which also defeats DNS rebinding), https only, no redirects,
 * 10 s and 512 KiB at most. It does not protect against a public host that serves wrong metadata:
 * the administrator vouches for the URL.
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

export const isPublicAddress = (ip: string) => !blocked.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');

export function fetchMetadata(url: string, opts: { timeoutMs?: number; maxBytes?: number } = {}): Promise<string> {
  const u = new URL(url);
  if (u.protocol !== 'https:') return Promise.reject(new Error('metadata URLs must use https'));
  const max = opts.maxBytes ?? 512 * 1024;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      u,
      {
        method: 'GET',
        headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' },
        timeout: opts.timeoutMs ?? 10_000,
        lookup: (host, o, cb) =>
          lookup(host, { ...o, all: false }, (err, address, family) => {
            if (err) return cb(err, address, family);
            if (!isPublicAddress(address as string)) return cb(new Error(`refusing non-public address for ${host}`), address, family);
            cb(null, address, family);
          }),
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`metadata URL answered ${res.statusCode}`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > max) req.destroy(new Error('metadata too large'));
          else chunks.push(c);
        });
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('metadata fetch timed out')));
    req.on('error', reject);
    req.end();
  });
}
