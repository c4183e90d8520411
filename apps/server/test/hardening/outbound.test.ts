import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { createPool, raw } from '../support/management.js';
import { startSmtpSink, type SmtpSink } from '../passcode/smtp-sink.js';
import { createOutboundGuard } from '../../src/services/outbound/index.js';
import { blockedReason } from '../../src/utils/net/addresses.js';

/**
 * Outbound connections a user pool's configuration can steer (security.md §0 item 31): with its
 * own (non-root) access key a pool may not point its SMTP server or SMS vendor at loopback,
 * private, link-local or metadata addresses, nor choose a vendor endpoint; a public-looking
 * name that resolves inward is refused after resolution; only the server operator's
 * GATEHOUSE_OUTBOUND_ALLOW / GATEHOUSE_UPSTREAM_OVERRIDES open a way. Nothing reaches the
 * listeners below unless allowed.
 */

/** A TCP listener that counts connections (an internal service an attacker would like to reach). */
async function listener(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let n = 0;
  const srv: TcpServer = createTcpServer((sock) => {
    n++;
    sock.on('error', () => undefined);
    sock.end('220 internal ESMTP\r\n');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as { port: number }).port, connections: () => n, close: () => new Promise((r) => srv.close(() => r())) };
}

/** An HTTP listener that records requests (a fake "internal" endpoint). */
async function httpListener(handler?: (path: string) => { status: number; headers?: Record<string, string>; body?: string }): Promise<{ url: string; port: number; requests: Array<{ path: string; host: string; auth?: string }>; server: Server }> {
  const requests: Array<{ path: string; host: string; auth?: string }> = [];
  const server = createHttpServer((req, res) => {
    requests.push({ path: req.url ?? '', host: req.headers.host ?? '', ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
    const a = handler?.(req.url ?? '') ?? { status: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sid: 'SM1', status: 'queued' }) };
    res.writeHead(a.status, a.headers ?? {}).end(a.body ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, port, requests, server };
}

const SID = `AC${'0123456789abcdef'.repeat(2)}`;

describe('addresses the outbound guard refuses', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.1.2', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.100.100.200', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback (IPv4-mapped)'],
    ['::ffff:7f00:1', 'loopback (IPv4-mapped)'],
    ['::ffff:169.254.169.254', 'link-local (IPv4-mapped)'],
    ['64:ff9b::a9fe:a9fe', 'link-local (NAT64)'],
    ['2002:7f00:1::', 'loopback (6to4)'],
    ['fd00:ec2::254', 'unique local (private)'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
  ])('%s is refused (%s)', (ip, reason) => {
    expect(blockedReason(ip)).toBe(reason);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s (public) is allowed', (ip) => {
    expect(blockedReason(ip)).toBeNull();
  });
});

describe('the guard as an HTTP client', () => {
  let internal: Awaited<ReturnType<typeof httpListener>>;
  beforeAll(async () => {
    internal = await httpListener((path) => (path === '/redirect' ? { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } } : { status: 200, body: 'internal secret' }));
  });
  afterAll(() => new Promise<void>((r) => internal.server.close(() => r())));

  it('refuses a public-looking name that resolves to loopback, before connecting', async () => {
    const before = internal.requests.length;
    const guard = createOutboundGuard({ resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    await expect(guard.http(`https://api.sms-vendor.example:${internal.port}/send`, { method: 'POST', headers: {} })).rejects.toMatchObject({ code: 'outbound.address_not_allowed' });
    expect(internal.requests.length).toBe(before);
  });

  it('refuses a name when any of its addresses is internal', async () => {
    const guard = createOutboundGuard({ resolve: async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.5', family: 4 }] });
    await expect(guard.assertHostAllowed('mail.example', 25)).rejects.toMatchObject({ code: 'outbound.address_not_allowed' });
  });

  it('connects to the address it checked (one resolution, no rebinding window), and sends the real Host', async () => {
    let lookups = 0;
    const guard = createOutboundGuard({ allow: '127.0.0.0/8', resolve: async () => (lookups++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '203.0.113.9', family: 4 }]) });
    const res = await guard.http(`http://vendor.example:${internal.port}/hello`, { method: 'GET', headers: {} });
    expect(res).toMatchObject({ status: 200, text: 'internal secret' });
    expect(lookups).toBe(1);
    expect(internal.requests.at(-1)).toMatchObject({ path: '/hello', host: `vendor.example:${internal.port}` });
  });

  it('requires https unless the operator allowed the target', async () => {
    const guard = createOutboundGuard({ resolve: async () => [{ address: '93.184.216.34', family: 4 }] });
    await expect(guard.http('http://api.vendor.example/x', { method: 'GET', headers: {} })).rejects.toMatchObject({ code: 'outbound.https_required' });
    await expect(guard.checkUrl('ftp://api.vendor.example/x')).rejects.toMatchObject({ code: 'outbound.invalid_url' });
  });

  it('does not follow a redirect into the internal network', async () => {
    const guard = createOutboundGuard({ allow: '127.0.0.1' });
    const before = internal.requests.length;
    const res = await guard.http(`${internal.url}/redirect`, { method: 'GET', headers: {} });
    expect(res.status).toBe(302);
    expect(internal.requests.length).toBe(before + 1);
  });

  it('sends a mapped provider origin to the operator override (implicitly allowed), keeping path and query', async () => {
    const guard = createOutboundGuard({ upstreamOverrides: JSON.stringify({ 'https://api.twilio.com': internal.url }) });
    expect(guard.rewrite('https://api.twilio.com/2010-04-01/x?y=1')).toBe(`${internal.url}/2010-04-01/x?y=1`);
    expect(guard.rewrite('https://api.twilio.com.evil.example/x')).toBe('https://api.twilio.com.evil.example/x');
    expect((await guard.http('https://api.twilio.com/ping?a=b', { method: 'GET', headers: {} })).status).toBe(200);
    expect(internal.requests.at(-1)?.path).toBe('/ping?a=b');
  });

  it('refuses SMTP-style connections to internal hosts unless allowed', async () => {
    const l = await listener();
    try {
      await expect(createOutboundGuard().connect('127.0.0.1', l.port)).rejects.toMatchObject({ code: 'outbound.address_not_allowed' });
      await expect(createOutboundGuard().connect('localhost', l.port)).rejects.toMatchObject({ code: 'outbound.address_not_allowed' });
      expect(l.connections()).toBe(0);
      const sock = await createOutboundGuard({ allow: 'localhost' }).connect('localhost', l.port);
      sock.destroy();
      expect(l.connections()).toBe(1);
    } finally {
      await l.close();
    }
  });
});

describe("a pool's own configuration cannot reach internal addresses", () => {
  let s: TestServer;
  let internalSmtp: Awaited<ReturnType<typeof listener>>;
  let internalHttp: Awaited<ReturnType<typeof httpListener>>;
  /** Names the test resolver knows: a public-looking SMTP host that points at loopback. */
  const names: Record<string, string> = { 'smtp.mail-provider.example': '127.0.0.1', 'smtp.public.example': '93.184.216.34' };

  beforeAll(async () => {
    internalSmtp = await listener();
    internalHttp = await httpListener();
    s = await startServer({
      config: { sendLimitIpPerHour: 100000, messageRetryBaseMs: 60_000 },
      outboundResolve: async (host) => {
        if (names[host]) return [{ address: names[host]!, family: 4 }];
        if (host === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
        throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      },
    });
  });
  afterAll(async () => {
    await s?.close();
    await internalSmtp?.close();
    await new Promise<void>((r) => internalHttp?.server.close(() => r()));
  });

  it('refuses SMTP on loopback, metadata and private hosts with a catalogued error; nothing connects', async () => {
    const { client: poolKey } = await createPool(s, s.mgmt(), 'tenant-a');
    for (const host of ['127.0.0.1', 'localhost', '2130706433', '169.254.169.254', '10.0.0.8', '::1', '::ffff:127.0.0.1', 'smtp.mail-provider.example']) {
      const r = await poolKey.configEmailProvider({ type: 'custom' as never, enabled: true, smtpConfig: { smtp_host: host, smtp_port: internalSmtp.port, sender: 'x@example.com', secure: false } as never });
      expect(r, host).toMatchObject({ statusCode: 400, apiCode: 1010001, data: null });
    }
    expect((await poolKey.getEmailProvider()).data).toMatchObject({ enabled: false });
    expect(internalSmtp.connections()).toBe(0);
  });

  it('refuses a vendor endpoint chosen by the pool (loopback, metadata, plain http) and sends nothing', async () => {
    const { client: poolKey } = await createPool(s, s.mgmt(), 'tenant-b');
    for (const endpoint of [internalHttp.url, 'http://169.254.169.254', 'http://api.twilio.com', 'https://api.twilio.com.attacker.example']) {
      const r = await raw(poolKey, 'POST', '/api/v3/config-sms-provider', { provider: 'twilio', enabled: true, config: { accountSid: SID, authToken: 'secret-token', from: '+15005550006', endpoint } });
      expect(r, endpoint).toMatchObject({ statusCode: 400, apiCode: 1010003, data: null });
    }
    // Regional endpoints of the vendor's own domain stay possible where the vendor has them.
    const aliyun = await raw(poolKey, 'POST', '/api/v3/config-sms-provider', { provider: 'aliyun-sms', enabled: true, config: { accessKeyId: 'k', accessKeySecret: 's', signName: 'n', templates: { default: 'SMS_1' }, endpoint: 'http://127.0.0.1:1/' } });
    expect(aliyun).toMatchObject({ apiCode: 1010003 });
    expect(internalHttp.requests).toEqual([]);
  });

  it('refuses at send time when a name that looked public now resolves inward (checked at every connection)', async () => {
    const { pool, client: poolKey } = await createPool(s, s.mgmt(), 'tenant-c');
    const ok = await poolKey.configEmailProvider({ type: 'custom' as never, enabled: true, smtpConfig: { smtp_host: 'smtp.public.example', smtp_port: internalSmtp.port, sender: 'x@example.com', secure: false } as never });
    expect(ok).toMatchObject({ statusCode: 200 });
    names['smtp.public.example'] = '127.0.0.1'; // DNS changed after the check
    const appSecret = await s.container.services.applications.getSecret(pool.userPoolId, pool.defaultAppId);
    const r = await authClient({ appId: pool.defaultAppId, appSecret, host: s.url }).sendEmail({ email: 'someone@example.com', channel: 'CHANNEL_LOGIN' as never });
    expect(r).toMatchObject({ statusCode: 400, apiCode: 1010001 });
    expect(internalSmtp.connections()).toBe(0);
  });
});

describe('the operator allow-list is the only way in', () => {
  let s: TestServer;
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
    s = await startServer({ config: { sendLimitIpPerHour: 100000, outboundAllow: '127.0.0.0/8' } });
  });
  afterAll(async () => {
    await s?.close();
    await sink?.close();
  });

  it("lets a pool's SMTP on 127.0.0.1 deliver when GATEHOUSE_OUTBOUND_ALLOW covers it", async () => {
    const { pool, client: poolKey } = await createPool(s, s.mgmt(), 'tenant-allowed');
    expect(await poolKey.configEmailProvider({ type: 'custom' as never, enabled: true, smtpConfig: { smtp_host: '127.0.0.1', smtp_port: sink.port, sender: 'x@example.com', secure: false } as never })).toMatchObject({ statusCode: 200 });
    const appSecret = await s.container.services.applications.getSecret(pool.userPoolId, pool.defaultAppId);
    expect(await authClient({ appId: pool.defaultAppId, appSecret, host: s.url }).sendEmail({ email: 'allowed@example.com', channel: 'CHANNEL_LOGIN' as never })).toMatchObject({ statusCode: 200 });
    await sink.waitFor('allowed@example.com');
  });

  it('still never lets a pool choose a vendor endpoint', async () => {
    const { client: poolKey } = await createPool(s, s.mgmt(), 'tenant-allowed-2');
    const r = await raw(poolKey, 'POST', '/api/v3/config-sms-provider', { provider: 'twilio', enabled: true, config: { accountSid: SID, authToken: 't', from: '+15005550006', endpoint: 'http://127.0.0.1:9' } });
    expect(r).toMatchObject({ apiCode: 1010003 });
  });
});
