import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/container/logger.js';
import { startServer } from '../support/server.js';

/** Graceful shutdown finishes what is in flight; logs never carry credentials. */
describe('graceful shutdown', () => {
  it('finishes a request that is in flight when closing starts, then refuses new connections', async () => {
    const s = await startServer();
    const port = Number(new URL(s.url).port);
    const secret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
    const body = JSON.stringify({ connection: 'PASSWORD', passwordPayload: { email: 'nobody@example.com', password: 'not the password at all' }, client_id: s.defaultAppId, client_secret: secret });
    const half = Math.floor(body.length / 2);
    const sock = connect(port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    let raw = '';
    sock.on('data', (d) => (raw += d.toString('utf8')));
    const ended = new Promise<void>((r) => sock.once('close', () => r()));
    // Headers and half the body: the request is now in flight on the server.
    sock.write(
      `POST /api/v3/signin HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nx-authing-app-id: ${s.defaultAppId}\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body.slice(0, half)}`,
    );
    await new Promise((r) => setTimeout(r, 100));
    const closing = s.app.close(); // what main.ts does on SIGTERM
    await new Promise((r) => setTimeout(r, 50));
    sock.write(body.slice(half));
    await ended;
    await closing;
    expect(raw).toMatch(/^HTTP\/1\.1 200/);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ statusCode: 403, apiCode: 2333 });
    await expect(fetch(`${s.url}/health/live`)).rejects.toThrow();
    await s.close().catch(() => undefined);
  });
});

describe('graceful shutdown with clients gone', () => {
  it('waits for handlers whose client disconnected: queued sign-ins finish before close() resolves', async () => {
    const s = await startServer();
    const port = Number(new URL(s.url).port);
    const password = 'Shutdown-Passphrase-1';
    // One account per sign-in: eight at once on one account would meet the attempt guard's captcha.
    for (let i = 0; i < 8; i++) expect((await s.mgmt().createUser({ email: `gone${i}@example.com`, password })).statusCode).toBe(200);
    const secret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
    const logins: string[] = [];
    s.container.services.events.subscribe((e) => {
      if (e.name.startsWith('login')) logins.push(e.name);
    });
    // Eight sign-ins sent whole, their connections dropped at once: the hashing pool verifies
    // them a few at a time, so most are still queued when close() starts.
    await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const body = JSON.stringify({ connection: 'PASSWORD', passwordPayload: { email: `gone${i}@example.com`, password }, client_id: s.defaultAppId, client_secret: secret });
        const head = `POST /api/v3/signin HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nx-authing-app-id: ${s.defaultAppId}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`;
        const sock = connect(port, '127.0.0.1');
        await new Promise<void>((r) => sock.once('connect', () => r()));
        await new Promise<void>((r) => sock.write(head + body, () => r()));
        await new Promise((r) => setTimeout(r, 20));
        sock.destroy();
      }),
    );
    await s.app.close(); // what main.ts does on SIGTERM, before it closes the database
    const atClose = [...logins];
    // Sign-ins the server had started are all done by then (those it had not read yet when their
    // connection dropped never start): nothing more finishes later. Without the wait, close()
    // resolved with none finished and they went on after it.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(atClose.length).toBeGreaterThan(0);
    expect(logins).toEqual(atClose);
    expect(atClose.every((e) => e === 'login')).toBe(true);
    await s.close().catch(() => undefined);
  });
});

describe('logs', () => {
  it('carry no password, access-key secret, app secret or token, at debug level', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString('utf8'));
        cb();
      },
    });
    const s = await startServer({ logger: createLogger('debug', sink) });
    try {
      const password = 'Log-Secret-Passphrase-1';
      const u = await s.mgmt().createUser({ email: 'logs@example.com', password });
      expect(u.statusCode).toBe(200);
      const appSecret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
      const signin = await fetch(`${s.url}/api/v3/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-authing-app-id': s.defaultAppId },
        body: JSON.stringify({ connection: 'PASSWORD', passwordPayload: { email: 'logs@example.com', password }, client_id: s.defaultAppId, client_secret: appSecret, options: { scope: 'openid profile offline_access' } }),
      });
      const tokens = ((await signin.json()) as { data: { access_token: string; refresh_token: string; id_token: string } }).data;
      expect(tokens.access_token).toBeTruthy();
      await fetch(`${s.url}/oidc/me?access_token=${tokens.access_token}`);
      await fetch(`${s.url}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      await fetch(`${s.url}/api/v3/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-authing-app-id': s.defaultAppId },
        body: JSON.stringify({ connection: 'PASSWORD', passwordPayload: { email: 'logs@example.com', password: `${password}-wrong` }, client_id: s.defaultAppId, client_secret: appSecret }),
      });
      await new Promise((r) => setTimeout(r, 50));
      const text = lines.join('');
      expect(lines.length).toBeGreaterThan(5); // the sink really received the request logs
      for (const secret of [password, s.rootKey.accessKeySecret, appSecret, tokens.access_token, tokens.refresh_token, tokens.id_token]) {
        expect(text.includes(secret), `a log line contains a secret (${secret.slice(0, 6)}…)`).toBe(false);
      }
    } finally {
      await s.close();
    }
  });
});
