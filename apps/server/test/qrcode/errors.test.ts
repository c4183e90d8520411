import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, authClient, type TestServer } from '../support/server.js';
import { provisionPool } from '../../src/services/bootstrap.js';
import { basicAuth, call, createUser, mobileClient, mobileSignIn, ok, prepareApp, type PoolFixture } from './support.js';

/**
 * Issue #6: every refusal of the QR-code flow is a catalogued error (260xxxx), never a 500,
 * and leaves the code usable for the legitimate caller where that makes sense.
 */
let s: TestServer;
let f: PoolFixture;
let other: PoolFixture;
let alice: string;
let bob: string;
let mallory: string; // a user of another pool

beforeAll(async () => {
  s = await startServer();
  f = await prepareApp(s.container, s.poolId, s.defaultAppId);
  await createUser(s.container, s.poolId, 'alice@example.com', 'correct horse staple one', { nickname: 'Alice' });
  await createUser(s.container, s.poolId, 'bob@example.com', 'purple monkey dishwasher');
  alice = await mobileSignIn(s.url, f, 'alice@example.com', 'correct horse staple one');
  bob = await mobileSignIn(s.url, f, 'bob@example.com', 'purple monkey dishwasher');
  const p2 = await provisionPool(s.container, { name: 'Other pool' });
  other = await prepareApp(s.container, p2.pool.id, p2.app.appId);
  await createUser(s.container, p2.pool.id, 'mallory@example.com', 'quiet river lantern');
  mallory = await mobileSignIn(s.url, other, 'mallory@example.com', 'quiet river lantern');
});
afterAll(async () => s?.close());
afterEach(() => void vi.useRealTimers());

const web = () => authClient({ appId: f.appId, appSecret: f.appSecret, host: s.url });
const phone = (token: string, fx = f) => mobileClient(s.url, fx, token);
const newCode = async () => ok(await web().geneQrCode({ type: 'MOBILE_APP' as never })).qrcodeId as string;
const act = (token: string, qrcodeId: string, action: 'SCAN' | 'CONFIRM' | 'CANCEL', fx = f) => phone(token, fx).changeQrCodeStatus({ qrcodeId, action: action as never });
const refused = (apiCode: number) => expect.objectContaining({ apiCode, statusCode: expect.any(Number), data: null });
const status = async (id: string) => ok(await web().getQrCodeStatus({ qrcodeId: id })).status as string;

/** Moves this process's clock (the server runs in-process); only Date is faked. */
function advance(ms: number) {
  const now = Date.now();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now + ms);
}

describe('order of transitions', () => {
  it('refuses confirm and cancel before the scan', async () => {
    const id = await newCode();
    expect(await act(alice, id, 'CONFIRM')).toEqual(refused(2600003));
    expect(await act(alice, id, 'CANCEL')).toEqual(refused(2600003));
    expect(await status(id)).toBe('PENDING');
  });

  it('lets only the scanner confirm or cancel, and only one scan', async () => {
    const id = await newCode();
    ok(await act(alice, id, 'SCAN'));
    expect(await act(bob, id, 'SCAN')).toEqual(refused(2600004));
    expect(await act(alice, id, 'SCAN')).toEqual(refused(2600004));
    expect(await act(bob, id, 'CONFIRM')).toEqual(refused(2600006));
    expect(await act(bob, id, 'CANCEL')).toEqual(refused(2600006));
    expect(await status(id)).toBe('SCANNED');
    ok(await act(alice, id, 'CONFIRM'));
    expect(await act(alice, id, 'CONFIRM')).toEqual(refused(2600005));
    expect(await act(alice, id, 'CANCEL')).toEqual(refused(2600005));
  });

  it('decides exactly once when confirm and cancel race, on any number of parallel requests', async () => {
    const id = await newCode();
    ok(await act(alice, id, 'SCAN'));
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => act(alice, id, i % 2 ? 'CONFIRM' : 'CANCEL')));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode !== 200).every((r) => r.apiCode === 2600005)).toBe(true);
  });

  it('lets exactly one of many parallel exchanges of a ticket succeed', async () => {
    const id = await newCode();
    ok(await act(alice, id, 'SCAN'));
    ok(await act(alice, id, 'CONFIRM'));
    const ticket = ok(await web().getQrCodeStatus({ qrcodeId: id })).ticket as string;
    const results = await Promise.all(Array.from({ length: 8 }, () => web().exchangeTokenSetWithQrCodeTicket({ ticket, client_id: f.appId, client_secret: f.appSecret })));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode !== 200).every((r) => r.apiCode === 2600008)).toBe(true);
  });
});

describe('expiry', () => {
  it('reports an unscanned code expired after 120 s and refuses the scan (and the image)', async () => {
    const id = await newCode();
    advance(121_000);
    expect(await status(id)).toBe('EXPIRED');
    expect(await act(alice, id, 'SCAN')).toEqual(refused(2600002));
    expect((await call(s.url, 'GET', `/api/qrcode/check?random=${id}`)).body.data).toMatchObject({ status: -1, ticket: null });
    const img = await fetch(`${s.url}/qrcode/${id}.png`);
    expect(img.status).toBe(410);
    expect(await img.json()).toMatchObject({ apiCode: 2600002 });
  });

  it('refuses a confirmation after expiry even when scanned in time', async () => {
    const id = await newCode();
    ok(await act(alice, id, 'SCAN'));
    advance(121_000);
    expect(await act(alice, id, 'CONFIRM')).toEqual(refused(2600002));
  });

  it('expires the ticket after 300 s, and honours per-pool lifetimes', async () => {
    await s.container.authn.settings.update(s.poolId, { qrcode: { qrTtlSeconds: 30, ticketTtlSeconds: 60 } });
    try {
      const gen = ok(await web().geneQrCode({ type: 'MOBILE_APP' as never }));
      const payload = (await fetch(`${s.url}/qrcode/${gen.qrcodeId}.json`).then((r) => r.json())) as any;
      expect(payload.expiresIn).toBe(30);
      ok(await act(alice, gen.qrcodeId, 'SCAN'));
      ok(await act(alice, gen.qrcodeId, 'CONFIRM'));
      const ticket = ok(await web().getQrCodeStatus({ qrcodeId: gen.qrcodeId })).ticket as string;
      advance(61_000);
      expect(await web().exchangeTokenSetWithQrCodeTicket({ ticket, client_id: f.appId, client_secret: f.appSecret })).toEqual(refused(2600008));
    } finally {
      vi.useRealTimers();
      await s.container.authn.settings.update(s.poolId, { qrcode: { qrTtlSeconds: 120, ticketTtlSeconds: 300 } });
    }
  });

  it('validates the per-pool settings', async () => {
    const m = s.mgmt();
    const r = (await m.makeRequest({ method: 'POST', url: '/api/v3/update-authentication-settings', data: { qrcode: { qrTtlSeconds: 1 } } })) as { apiCode: number; message: string };
    expect(r).toMatchObject({ apiCode: 1000002 });
    expect(r.message).toContain('qrcode.qrTtlSeconds');
    const g = (await m.makeRequest({ method: 'GET', url: '/api/v3/get-authentication-settings' })) as { data: { qrcode: unknown } };
    expect(g.data.qrcode).toEqual({ qrTtlSeconds: 120, ticketTtlSeconds: 300, returnFullUserInfo: false, allowBrowserExchange: false });
  });
});

describe('who may act', () => {
  it('requires a signed-in user for scan, confirm and cancel', async () => {
    const id = await newCode();
    const anon = authClient({ appId: f.appId, appSecret: f.appSecret, host: s.url });
    expect(await anon.changeQrCodeStatus({ qrcodeId: id, action: 'SCAN' as never })).toEqual(refused(2020));
    expect(await phone('not-a-token').changeQrCodeStatus({ qrcodeId: id, action: 'SCAN' as never })).toEqual(refused(2020));
    expect((await call(s.url, 'POST', '/api/qrcode/scanned', { body: { random: id }, headers: { authorization: alice } })).body).toMatchObject({ code: 2600012 });
  });

  it('keeps pools apart: other-pool users, apps and polls are refused', async () => {
    const id = await newCode();
    // Mallory's token is valid only in her pool; naming her pool, the code is the wrong pool's.
    expect(await act(mallory, id, 'SCAN', other)).toEqual(refused(2600007));
    // Naming the code's pool, her token is not a session there.
    expect(await act(mallory, id, 'SCAN')).toEqual(refused(2020));
    expect(await authClient({ appId: other.appId, host: s.url, tokenEndPointAuthMethod: 'none' }).getQrCodeStatus({ qrcodeId: id })).toEqual(refused(2600007));
    expect((await call(s.url, 'GET', `/api/qrcode/check?random=${id}`, { headers: { 'x-authing-userpool-id': other.poolId } })).body).toMatchObject({ code: 2600007 });

    ok(await act(alice, id, 'SCAN'));
    ok(await act(alice, id, 'CONFIRM'));
    const ticket = ok(await web().getQrCodeStatus({ qrcodeId: id })).ticket as string;
    const foreign = authClient({ appId: other.appId, appSecret: other.appSecret, host: s.url });
    expect(await foreign.exchangeTokenSetWithQrCodeTicket({ ticket, client_id: other.appId, client_secret: other.appSecret })).toEqual(refused(2600007));
    // The refusals did not consume the ticket.
    ok(await web().exchangeTokenSetWithQrCodeTicket({ ticket, client_id: f.appId, client_secret: f.appSecret }));
  });

  it('exchanges server-side only by default; a wrong secret or another app of the pool is refused', async () => {
    const id = await newCode();
    ok(await act(alice, id, 'SCAN'));
    ok(await act(alice, id, 'CONFIRM'));
    const ticket = ok(await web().getQrCodeStatus({ qrcodeId: id })).ticket as string;
    const browser = authClient({ appId: f.appId, host: s.url, tokenEndPointAuthMethod: 'none' });
    expect(await browser.exchangeTokenSetWithQrCodeTicket({ ticket })).toEqual(refused(2600009));
    expect((await call(s.url, 'POST', '/api/v2/qrcode/userinfo', { body: { ticket }, headers: { 'x-authing-app-id': f.appId } })).body).toMatchObject({ code: 2600009 });
    expect(await web().exchangeTokenSetWithQrCodeTicket({ ticket, client_id: f.appId, client_secret: 'wrong' })).toEqual(refused(2060007));
    const sibling = await s.container.services.applications.create(s.poolId, { appName: 'sibling', appType: 'web', redirectUris: ['https://app.example/cb'] });
    expect(await web().exchangeTokenSetWithQrCodeTicket({ ticket, client_id: sibling.appId, client_secret: sibling.appSecret! })).toEqual(refused(2600011));
    const good = await call(s.url, 'POST', '/api/v2/qrcode/userinfo', { body: { ticket }, headers: { authorization: basicAuth(f) } });
    expect(good.body).toMatchObject({ code: 200 });
  });
});

describe('unknown ids and bad input', () => {
  it('answers unknown codes and tickets with catalogued errors on every surface', async () => {
    const unknown = 'A'.repeat(43);
    expect(await web().getQrCodeStatus({ qrcodeId: unknown })).toEqual(refused(2600001));
    expect(await web().checkQrCodeStatus({ qrcodeId: 'short' })).toEqual(refused(2600001));
    expect(await act(alice, unknown, 'SCAN')).toEqual(refused(2600001));
    expect(await web().exchangeTokenSetWithQrCodeTicket({ ticket: unknown, client_id: f.appId, client_secret: f.appSecret })).toEqual(refused(2600008));
    expect((await call(s.url, 'GET', `/api/qrcode/check?random=${unknown}`)).body).toMatchObject({ code: 2600001, data: null });
    expect((await call(s.url, 'GET', `/api/v2/qrcode/check?random=${unknown}`)).body).toMatchObject({ code: 2600001 });
    expect((await fetch(`${s.url}/qrcode/${unknown}.png`)).status).toBe(404);
    expect((await fetch(`${s.url}/qrcode/..%2Fetc.png`)).status).toBe(400);
  });

  it('refuses unsupported types, bad actions, oversized customData and unknown fields', async () => {
    expect(await web().geneQrCode({ type: 'WECHAT_MINIPROGRAM' as never })).toEqual(refused(2600010));
    expect((await call(s.url, 'POST', '/api/qrcode/gene', { body: { scene: 'WXAPP_AUTH' }, headers: { 'x-authing-userpool-id': s.poolId } })).body).toMatchObject({ code: 2600010 });
    expect((await call(s.url, 'POST', '/api/qrcode/gene', { body: { scene: 'APP_AUTH' } })).body).toMatchObject({ code: 2600012 });
    expect((await call(s.url, 'POST', '/api/qrcode/gene', { body: { scene: 'APP_AUTH' }, headers: { 'x-authing-userpool-id': 'nope' } })).body).toMatchObject({ code: 2224 });
    expect(await web().geneQrCode({ type: 'MOBILE_APP' as never, customData: { big: 'x'.repeat(2000) } })).toEqual(refused(2600014));
    const id = await newCode();
    expect(await phone(alice).changeQrCodeStatus({ qrcodeId: id, action: 'APPROVE' as never })).toEqual(refused(1000002));
    expect((await call(s.url, 'POST', '/api/qrcode/scanned', { body: { random: id, extra: 1 }, headers: { 'x-authing-userpool-id': s.poolId, authorization: alice } })).body).toMatchObject({ code: 1000002 });
    expect(await call(s.url, 'POST', '/api/v2/qrcode/gene', { body: 'not an object', headers: { 'x-authing-app-id': f.appId } })).toMatchObject({ http: 200, body: { code: 1000002 } });
    expect(await status(id)).toBe('PENDING');
  });
});
