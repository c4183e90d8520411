import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { prepareDefaultApp } from '../support/sign-in.js';
import { ok } from './support.js';

/**
 * A pool's own SMS provider through the management API (Gatehouse extension
 * config-sms-provider / get-sms-provider), here the `twilio` connector of @gatehouse/connectors
 * sent to a local fake of the Messages API by the operator's GATEHOUSE_UPSTREAM_OVERRIDES (a
 * pool cannot choose the vendor endpoint itself): secrets write-only and sealed, a vendor outage
 * answered with a catalogued error and delivered by the outbox retry, a vendor "bad number"
 * mapped to the catalogued invalid-recipient error.
 */
const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'twilio-auth-token-secret';

interface Fake {
  url: string;
  bodies: URLSearchParams[];
  /** Answers for the next requests (status, body); afterwards 201. */
  script: Array<{ status: number; body: unknown }>;
  server: Server;
}

async function fakeTwilio(): Promise<Fake> {
  const f = { bodies: [] as URLSearchParams[], script: [] as Fake['script'] } as Fake;
  f.server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
      if (auth !== `${SID}:${TOKEN}` || req.url !== `/2010-04-01/Accounts/${SID}/Messages.json`) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 20003, message: 'Authenticate', status: 401 }));
        return;
      }
      const next = f.script.shift();
      if (next) {
        res.writeHead(next.status, { 'content-type': 'application/json' }).end(JSON.stringify(next.body));
        return;
      }
      f.bodies.push(new URLSearchParams(raw));
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: `SM${f.bodies.length}`, status: 'queued' }));
    });
  });
  await new Promise<void>((r) => f.server.listen(0, '127.0.0.1', r));
  f.url = `http://127.0.0.1:${(f.server.address() as { port: number }).port}`;
  return f;
}

let s: TestServer;
let fake: Fake;
let appSecret: string;

beforeAll(async () => {
  fake = await fakeTwilio();
  s = await startServer({ config: { messageRetryBaseMs: 100, outboxPollMs: 50, sendLimitIpPerHour: 100000, upstreamOverrides: JSON.stringify({ 'https://api.twilio.com': fake.url }) } });
  appSecret = await prepareDefaultApp(s);
});
afterAll(async () => {
  await s?.close();
  await new Promise((r) => fake?.server.close(r));
});

const client = () => authClient({ appId: s.defaultAppId, appSecret, host: s.url });
const waitForBody = async (to: string) => {
  for (let i = 0; i < 400; i++) {
    const b = fake.bodies.find((x) => x.get('To') === to);
    if (b) return b;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no SMS to ${to}`);
};

describe('per-pool SMS provider', () => {
  it('answers provider_not_configured until the pool or the server has one', async () => {
    expect(await client().sendSms({ phoneNumber: '13600000001', channel: 'CHANNEL_LOGIN' as never })).toMatchObject({ statusCode: 503, apiCode: 2200005 });
  });

  it('is configured through the management API with its secret write-only and sealed', async () => {
    const mgmt = s.mgmt();
    const r = ok(await mgmt.makeRequest({ method: 'POST', url: '/api/v3/config-sms-provider', data: { provider: 'twilio', enabled: true, config: { accountSid: SID, authToken: TOKEN, from: '+15005550006'} } }));
    expect(r.data).toMatchObject({ provider: 'twilio', enabled: true, config: { accountSid: SID, from: '+15005550006' }, secretFields: ['authToken'] });
    const g = ok(await mgmt.makeRequest({ method: 'GET', url: '/api/v3/get-sms-provider' }));
    expect(JSON.stringify(g.data)).not.toContain(TOKEN);
    const row = await s.container.db.db.selectFrom('pool_message_providers').selectAll().where('pool_id', '=', s.poolId).where('kind', '=', 'sms').executeTakeFirstOrThrow();
    expect(row.config_enc).not.toContain(TOKEN);
    // Changing a non-secret field without resending the token keeps it.
    ok(await mgmt.makeRequest({ method: 'POST', url: '/api/v3/config-sms-provider', data: { provider: 'twilio', enabled: true, config: { accountSid: SID, from: '+15005550006'} } }));
  });

  it('sends the code through the vendor, and the code signs in', async () => {
    await s.container.services.users.create(s.poolId, { phone: '13600000002' });
    const c = client();
    ok(await c.sendSms({ phoneNumber: '13600000002', channel: 'CHANNEL_LOGIN' as never }));
    const body = await waitForBody('+8613600000002');
    const code = /(?<!\d)(\d{6})(?!\d)/.exec(body.get('Body') ?? '')![1]!;
    ok(await c.signInByPhonePassCode({ phone: '13600000002', passCode: code }));
  });

  it('turns a vendor outage into "try later" and delivers on retry', async () => {
    await s.container.services.users.create(s.poolId, { phone: '13600000003' });
    fake.script.push({ status: 503, body: { code: 20500, message: 'Internal Server Error', status: 503 } });
    const c = client();
    expect(await c.sendSms({ phoneNumber: '13600000003', channel: 'CHANNEL_LOGIN' as never })).toMatchObject({ statusCode: 503, apiCode: 2200004 });
    const body = await waitForBody('+8613600000003');
    const code = /(?<!\d)(\d{6})(?!\d)/.exec(body.get('Body') ?? '')![1]!;
    ok(await c.signInByPhonePassCode({ phone: '13600000003', passCode: code }));
  });

  it('maps a vendor "invalid number" to the catalogued invalid-recipient error, without retrying', async () => {
    fake.script.push({ status: 400, body: { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 } });
    const before = fake.bodies.length;
    expect(await client().sendSms({ phoneNumber: '13600000004', channel: 'CHANNEL_LOGIN' as never })).toMatchObject({ statusCode: 400, apiCode: 2200006 });
    await new Promise((r) => setTimeout(r, 400));
    expect(fake.bodies.length).toBe(before);
  });
});
