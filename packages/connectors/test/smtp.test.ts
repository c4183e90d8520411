/**
 * SMTP connector against real SMTP servers on loopback (`smtp-server`), reading the delivered
 * message with `mailparser`. Covers required STARTTLS + AUTH, implicit TLS, an untrusted
 * certificate, opportunistic STARTTLS, a server that refuses STARTTLS, wrong password, rejected
 * recipient, a transient 4xx and no server at all.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtp } from '../src/index.js';
import { expectConnectorError, testDeps } from './helpers/deps.js';

const USER = 'mailer@example.test';
const PASS = 'test-smtp-password';
let key: string;
let cert: string;
const servers: SMTPServer[] = [];

beforeAll(() => {
  // Self-signed certificate for localhost, made fresh for the run.
  const dir = mkdtempSync(join(tmpdir(), 'gh-smtp-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  key = readFileSync(join(dir, 'key.pem'), 'utf8');
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  rmSync(dir, { recursive: true, force: true });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
});

interface Delivered {
  mail: ParsedMail;
  secure: boolean;
  user?: string;
  rcpt: string[];
}

async function startSmtp(opts: Partial<SMTPServerOptions> = {}) {
  const delivered: Delivered[] = [];
  const server = new SMTPServer({
    key,
    cert,
    logger: false,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      if (auth.username === USER && auth.password === PASS) cb(null, { user: auth.username });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('nobody@')) cb(Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 }));
      else cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((mail) => {
          delivered.push({ mail, secure: session.secure, user: session.user as string | undefined, rcpt: session.envelope.rcptTo.map((r) => r.address) });
          cb();
        })
        .catch(cb);
    },
    ...opts,
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.server.address() as AddressInfo).port, delivered };
}

const MESSAGE = {
  to: 'ada@example.com',
  channel: 'CHANNEL_LOGIN',
  subject: 'Your Gatehouse code / 验证码',
  text: 'Your code is 123456. It expires in 5 minutes.',
  html: '<p>Your code is <b>123456</b>.</p>',
  variables: { code: '123456' },
};

describe('smtp connector against smtp-server', () => {
  it('delivers over required STARTTLS with AUTH; subject, text, html and From name arrive', async () => {
    const { port, delivered } = await startSmtp();
    const deps = testDeps();
    const c = smtp.create({ host: 'localhost', port, tls: 'starttls', username: USER, password: PASS, fromAddress: 'no-reply@example.test', fromName: 'Gatehouse', tlsCa: cert }, deps);
    const res = await c.sendEmail(MESSAGE);
    await c.close?.();
    expect(res.messageId).toMatch(/^<.+>$/);
    const d = delivered[0]!;
    expect(d.secure).toBe(true);
    expect(d.user).toBe(USER);
    expect(d.rcpt).toEqual(['ada@example.com']);
    expect(d.mail.subject).toBe(MESSAGE.subject);
    expect(d.mail.text?.trim()).toBe(MESSAGE.text);
    expect(d.mail.html).toContain('<b>123456</b>');
    expect(d.mail.from?.value[0]).toMatchObject({ name: 'Gatehouse', address: 'no-reply@example.test' });
    expect(JSON.stringify(deps.logs)).not.toContain(PASS);
  });

  it('delivers over implicit TLS', async () => {
    const { port, delivered } = await startSmtp({ secure: true });
    const c = smtp.create({ host: '127.0.0.1', port, tls: 'implicit', username: USER, password: PASS, fromAddress: 'no-reply@example.test', tlsCa: cert }, testDeps());
    await c.sendEmail(MESSAGE);
    await c.close?.();
    expect(delivered[0]!.secure).toBe(true);
  });

  it('refuses an untrusted certificate (no tlsCa) instead of sending (invalid_config)', async () => {
    const { port, delivered } = await startSmtp();
    const c = smtp.create({ host: 'localhost', port, tls: 'starttls', username: USER, password: PASS, fromAddress: 'no-reply@example.test' }, testDeps());
    const e = await expectConnectorError(c.sendEmail(MESSAGE), 'connector.invalid_config');
    expect(e.vendorDetail).toContain('certificate');
    await c.close?.();
    expect(delivered).toHaveLength(0);
  });

  it('with tls=starttls, refuses a server that does not offer STARTTLS (invalid_config); opportunistic sends in plain', async () => {
    const { port, delivered } = await startSmtp({ disabledCommands: ['STARTTLS'], authOptional: true });
    const strict = smtp.create({ host: '127.0.0.1', port, tls: 'starttls', fromAddress: 'no-reply@example.test' }, testDeps());
    await expectConnectorError(strict.sendEmail(MESSAGE), 'connector.invalid_config');
    await strict.close?.();
    expect(delivered).toHaveLength(0);
    const relaxed = smtp.create({ host: '127.0.0.1', port, tls: 'opportunistic', fromAddress: 'no-reply@example.test' }, testDeps());
    await relaxed.sendEmail(MESSAGE);
    await relaxed.close?.();
    expect(delivered[0]!.secure).toBe(false);
  });

  it('maps a wrong password to auth_failed', async () => {
    const { port } = await startSmtp();
    const deps = testDeps();
    const c = smtp.create({ host: 'localhost', port, tls: 'starttls', username: USER, password: 'wrong-password', fromAddress: 'no-reply@example.test', tlsCa: cert }, deps);
    await expectConnectorError(c.sendEmail(MESSAGE), 'connector.auth_failed');
    await c.close?.();
    expect(JSON.stringify(deps.logs)).not.toContain('wrong-password');
  });

  it('maps a rejected recipient (550) to invalid_recipient', async () => {
    const { port } = await startSmtp();
    const c = smtp.create({ host: 'localhost', port, tls: 'starttls', username: USER, password: PASS, fromAddress: 'no-reply@example.test', tlsCa: cert }, testDeps());
    await expectConnectorError(c.sendEmail({ ...MESSAGE, to: 'nobody@example.com' }), 'connector.invalid_recipient');
    await c.close?.();
  });

  it('maps a transient 451 to unavailable and no server to unavailable', async () => {
    const { port } = await startSmtp({
      onData(stream, _s, cb) {
        stream.resume();
        stream.on('end', () => cb(Object.assign(new Error('4.3.0 Try again later'), { responseCode: 451 })));
      },
    });
    const c = smtp.create({ host: 'localhost', port, tls: 'starttls', username: USER, password: PASS, fromAddress: 'no-reply@example.test', tlsCa: cert }, testDeps());
    expect((await expectConnectorError(c.sendEmail(MESSAGE), 'connector.unavailable')).retryable).toBe(true);
    await c.close?.();
    const dead = smtp.create({ host: '127.0.0.1', port: 1, tls: 'starttls', fromAddress: 'no-reply@example.test', timeoutMs: 2000 }, testDeps());
    await expectConnectorError(dead.sendEmail(MESSAGE), 'connector.unavailable');
  });
});
