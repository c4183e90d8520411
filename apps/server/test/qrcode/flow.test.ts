import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { startServer, authClient, type TestServer } from '../support/server.js';
import { basicAuth, call, createUser, jsClient, jsErrorCode, mobileClient, mobileSignIn, ok, prepareApp, type PoolFixture } from './support.js';

/**
 * Issue #6, the happy paths of all three API generations against a real Gatehouse on SQLite:
 * the web side with authing-js-sdk's QR client (/api/v2/qrcode) and with the node SDK's V3
 * methods, the seed's /api/qrcode over plain HTTP; the mobile side signed in with its password.
 */
let s: TestServer;
let f: PoolFixture;
let token: string;
let userId: string;

beforeAll(async () => {
  s = await startServer();
  f = await prepareApp(s.container, s.poolId, s.defaultAppId);
  userId = await createUser(s.container, s.poolId, 'scanner@example.com', 'phone side passphrase', { nickname: 'Scanner', photo: 'https://img.example/a.png' });
  token = await mobileSignIn(s.url, f, 'scanner@example.com', 'phone side passphrase');
});
afterAll(async () => s?.close());

const setQr = (patch: Record<string, unknown>) => s.container.authn.settings.update(s.poolId, { qrcode: patch });

describe('authing-js-sdk QR client (/api/v2/qrcode)', () => {
  it('generates, polls through scanned to authorized, and the backend exchanges the ticket', async () => {
    const web = jsClient({ appId: f.appId, host: s.url });
    const { random, url } = await web.qrcode.geneCode({ customData: { hello: 'world' } });
    expect(random).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url).toMatch(new RegExp(`/qrcode/${random}\\.png$`));

    // The image Gatehouse serves, and the seed's payload inside it.
    const png = await fetch(`${s.url}/qrcode/${random}.png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
    expect((await fetch(`${s.url}/qrcode/${random}.svg`).then((r) => r.text())).startsWith('<svg')).toBe(true);
    const payload = (await fetch(`${s.url}/qrcode/${random}.json`).then((r) => r.json())) as any;
    expect(payload).toMatchObject({ scene: 'APP_AUTH', random, userPoolId: s.poolId, expiresIn: 120, customData: { hello: 'world' } });
    expect(Date.parse(payload.expireAt) - Date.parse(payload.createdAt)).toBe(120_000);

    const seen: number[] = [];
    let scannedInfo: unknown;
    const done = new Promise<{ userInfo: unknown; ticket: string }>((resolve, reject) => {
      void web.qrcode.startPolling(random, {
        interval: 50,
        onResult: (d) => void seen.push(d.status),
        onScanned: (u) => void (scannedInfo = u),
        onSuccess: (userInfo, ticket) => resolve({ userInfo, ticket }),
        onError: (m) => reject(new Error(String(m))),
        onExpired: () => reject(new Error('expired')),
        onCancel: () => reject(new Error('cancelled')),
      });
    });

    // The phone, signed in, marks the code scanned and confirms (js-sdk has no phone-side calls).
    const phone = { authorization: `Bearer ${token}`, 'x-authing-app-id': f.appId };
    const scanned = await call(s.url, 'POST', '/api/v2/qrcode/scanned', { body: { random }, headers: phone });
    expect(scanned.body).toMatchObject({ code: 200, data: { random, status: 1 } });
    await new Promise((r) => setTimeout(r, 200)); // let the page see "scanned" before the confirmation
    expect((await call(s.url, 'POST', '/api/v2/qrcode/confirm', { body: { random }, headers: phone })).body).toMatchObject({ code: 200, data: { random, status: 2 } });

    const { userInfo, ticket } = await done;
    expect(seen).toContain(1);
    expect(seen.at(-1)).toBe(2);
    expect(scannedInfo).toEqual({ nickname: 'Scanner', photo: 'https://img.example/a.png' }); // nickname and avatar only
    expect(userInfo).toEqual({ nickname: 'Scanner', photo: 'https://img.example/a.png' });
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // Browser exchange is off by default: the js-sdk's exchangeUserInfo is refused and the ticket survives.
    expect(await jsErrorCode(web.qrcode.exchangeUserInfo(ticket))).toBe(2600009);
    const ex = await call(s.url, 'POST', '/api/v2/qrcode/userinfo', { body: { ticket }, headers: { authorization: basicAuth(f) } });
    expect(ex.body).toMatchObject({ code: 200, data: { id: userId, userId, email: 'scanner@example.com', nickname: 'Scanner', photo: 'https://img.example/a.png' } });
    expect(decodeJwt(ex.body.data.token)).toMatchObject({ sub: userId, amr: ['qr'] });
    expect(ex.body.data).not.toHaveProperty('password');
    // The access token works like any other: the mobile-side profile call accepts it.
    expect(ok(await mobileClient(s.url, f, ex.body.data.accessToken).getProfile({}))).toMatchObject({ userId });

    // Single use.
    const again = await call(s.url, 'POST', '/api/v2/qrcode/userinfo', { body: { ticket }, headers: { authorization: basicAuth(f) } });
    expect(again).toMatchObject({ http: 200, body: { code: 2600008, apiCode: 2600008, data: null } });
  });

  it('exchanges in the browser with the js-sdk when the pool allows it', async () => {
    await setQr({ allowBrowserExchange: true });
    try {
      const web = jsClient({ appId: f.appId, host: s.url });
      const { random } = await web.qrcode.geneCode();
      const m = mobileClient(s.url, f, token);
      ok(await m.changeQrCodeStatus({ qrcodeId: random, action: 'SCAN' as never }));
      ok(await m.changeQrCodeStatus({ qrcodeId: random, action: 'CONFIRM' as never }));
      const st = await web.qrcode.checkStatus(random);
      expect(st).toMatchObject({ status: 2, scannedUserId: null });
      const user = await web.qrcode.exchangeUserInfo(st.ticket!);
      expect(user).toMatchObject({ id: userId, email: 'scanner@example.com' });
      expect(decodeJwt((user as { token: string }).token)).toMatchObject({ sub: userId });
      expect(await jsErrorCode(web.qrcode.exchangeUserInfo(st.ticket!))).toBe(2600008);
    } finally {
      await setQr({ allowBrowserExchange: false });
    }
  });
});

describe('vendor AuthenticationClient V3 methods', () => {
  it('geneQrCode → SCAN → CONFIRM → exchangeTokenSetWithQrCodeTicket (client_secret_post)', async () => {
    const web = authClient({ appId: f.appId, appSecret: f.appSecret, host: s.url });
    const gen = ok(await web.geneQrCode({ type: 'MOBILE_APP' as never, customData: { k: 1 } }));
    expect(gen).toMatchObject({ qrcodeId: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), url: expect.stringContaining(`/qrcode/${gen.qrcodeId}.png`) });
    const id = gen.qrcodeId as string;
    expect(ok(await web.getQrCodeStatus({ qrcodeId: id }))).toEqual({ status: 'PENDING' });

    const m = mobileClient(s.url, f, token);
    ok(await m.changeQrCodeStatus({ qrcodeId: id, action: 'SCAN' as never }));
    expect(ok(await web.checkQrCodeStatus({ qrcodeId: id }))).toEqual({ status: 'SCANNED', briefUserInfo: { displayName: 'Scanner', photo: 'https://img.example/a.png' } });
    expect(ok(await m.setQrCodeStatus({ qrcodeId: id, action: 'CONFIRM' as never }))).toEqual({ success: true });
    const st = ok(await web.getQrCodeStatus({ qrcodeId: id }));
    expect(st).toMatchObject({ status: 'AUTHORIZED', ticket: expect.any(String) });
    expect(st.tokenSet).toBeUndefined();

    const tokens = ok(await web.exchangeTokenSetWithQrCodeTicket({ ticket: st.ticket, client_id: f.appId, client_secret: f.appSecret }));
    expect(tokens).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), id_token: expect.any(String) });
    expect(decodeJwt(tokens.id_token)).toMatchObject({ sub: userId, aud: f.appId, amr: ['qr'] });
    expect(ok(await mobileClient(s.url, f, tokens.access_token).getProfile({}))).toMatchObject({ userId });
    expect(await web.exchangeTokenSetWithQrCodeTicket({ ticket: st.ticket, client_id: f.appId, client_secret: f.appSecret })).toMatchObject({ statusCode: 400, apiCode: 2600008 });
  });

  it('exchanges with client_secret_basic as the SDK sends it', async () => {
    const basicApp = await s.container.services.applications.create(s.poolId, { appName: 'qr basic', appType: 'web', redirectUris: ['https://app.example/cb'], oidcConfig: { token_endpoint_auth_method: 'client_secret_basic' } });
    const web = authClient({ appId: basicApp.appId, appSecret: basicApp.appSecret!, host: s.url, tokenEndPointAuthMethod: 'client_secret_basic' });
    const id = ok(await web.geneQrCode({ type: 'MOBILE_APP' as never })).qrcodeId as string;
    const m = mobileClient(s.url, f, token); // a user of the pool, signed in through another app of the same pool
    ok(await m.changeQrCodeStatus({ qrcodeId: id, action: 'SCAN' as never }));
    ok(await m.changeQrCodeStatus({ qrcodeId: id, action: 'CONFIRM' as never }));
    const ticket = ok(await web.getQrCodeStatus({ qrcodeId: id })).ticket as string;
    const tokens = ok(await web.exchangeTokenSetWithQrCodeTicket({ ticket }));
    expect(decodeJwt(tokens.id_token)).toMatchObject({ sub: userId, aud: basicApp.appId });
  });

  it('returns the token set in the status query only when the pool enables full user info, once', async () => {
    await setQr({ returnFullUserInfo: true });
    try {
      const web = authClient({ appId: f.appId, appSecret: f.appSecret, host: s.url });
      const id = ok(await web.geneQrCode({ type: 'MOBILE_APP' as never })).qrcodeId as string;
      const m = mobileClient(s.url, f, token);
      ok(await m.changeQrCodeStatus({ qrcodeId: id, action: 'SCAN' as never }));
      ok(await m.changeQrCodeStatus({ qrcodeId: id, action: 'CONFIRM' as never }));
      const first = ok(await web.getQrCodeStatus({ qrcodeId: id }));
      expect(first).toMatchObject({ status: 'AUTHORIZED', tokenSet: { token_type: 'Bearer' } });
      expect(first.ticket).toBeUndefined();
      const second = ok(await web.getQrCodeStatus({ qrcodeId: id }));
      expect(second).toEqual({ status: 'AUTHORIZED', briefUserInfo: expect.any(Object) });
    } finally {
      await setQr({ returnFullUserInfo: false });
    }
  });
});

describe("the seed's /api/qrcode", () => {
  const pool = () => ({ 'x-authing-userpool-id': s.poolId });

  it('gene with x-authing-userpool-id, check by random alone, scanned/confirm with the user token, userinfo signed with a management key', async () => {
    const gene = await call(s.url, 'POST', '/api/qrcode/gene', { body: { scene: 'APP_AUTH', customeData: 'plain string' }, headers: pool() });
    expect(gene.body).toMatchObject({ code: 200, data: { random: expect.any(String), expiresIn: 120, url: expect.stringContaining('/qrcode/') } });
    const random = gene.body.data.random as string;
    expect(await fetch(`${s.url}/qrcode/${random}.json`).then((r) => r.json())).toMatchObject({ customData: 'plain string', userPoolId: s.poolId });

    const check = () => call(s.url, 'GET', `/api/qrcode/check?random=${random}`);
    expect((await check()).body).toMatchObject({ code: 200, message: 'Query QR code status successfully!', data: { random, userInfo: {}, status: 0, ticket: null, scannedUserId: null } });
    const phone = { ...pool(), authorization: token }; // seed: Authorization = the user's credential, no Bearer
    expect((await call(s.url, 'POST', '/api/qrcode/scanned', { body: { random }, headers: phone })).body).toMatchObject({ code: 200, data: { random, status: 1 } });
    expect((await check()).body.data).toMatchObject({ status: 1, userInfo: { nickname: 'Scanner', photo: 'https://img.example/a.png' }, ticket: null });
    expect((await call(s.url, 'POST', '/api/qrcode/confirm', { body: { random }, headers: phone })).body).toMatchObject({ code: 200, data: { status: 2 } });
    const authorized = (await check()).body.data;
    expect(authorized).toMatchObject({ status: 2, ticket: expect.any(String) });

    // The code was generated without an app: a management-key exchange must name the app.
    const mgmt = s.mgmt();
    const noApp = (await mgmt.makeRequest({ method: 'POST', url: '/api/qrcode/userinfo', data: { ticket: authorized.ticket } })) as { code: number };
    expect(noApp).toMatchObject({ code: 2600013 });
    const user = (await mgmt.makeRequest({ method: 'POST', url: '/api/qrcode/userinfo', data: { ticket: authorized.ticket, appId: f.appId } })) as { code: number; data: any };
    expect(user).toMatchObject({ code: 200, message: 'Exchange for user information successfully', data: { id: userId, email: 'scanner@example.com' } });
    expect(decodeJwt(user.data.token)).toMatchObject({ sub: userId, aud: f.appId });
  });

  it('cancel: status 3, after which nothing else may happen', async () => {
    const random = (await call(s.url, 'POST', '/api/qrcode/gene', { body: { scene: 'APP_AUTH' }, headers: pool() })).body.data.random as string;
    const phone = { ...pool(), authorization: `Bearer ${token}` };
    await call(s.url, 'POST', '/api/qrcode/scanned', { body: { random }, headers: phone });
    expect((await call(s.url, 'POST', '/api/qrcode/cancel', { body: { random }, headers: phone })).body).toMatchObject({ code: 200, message: 'Cancel authorization successfully', data: { status: 3 } });
    expect((await call(s.url, 'GET', `/api/qrcode/check?random=${random}`)).body.data).toMatchObject({ status: 3, ticket: null });
    expect((await call(s.url, 'POST', '/api/qrcode/confirm', { body: { random }, headers: phone })).body).toMatchObject({ code: 2600005 });
    expect((await call(s.url, 'POST', '/api/qrcode/cancel', { body: { random }, headers: phone })).body).toMatchObject({ code: 2600005 });
  });
});

describe('demo page', () => {
  it('is served with a strict CSP and the app id as data', async () => {
    const res = await fetch(`${s.url}/demo/qrcode?appId=${f.appId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'nonce-");
    const html = await res.text();
    expect(html).toContain(`const appId = "${f.appId}"`);
    expect(html).toContain('/api/v3/gene-qrcode');
    expect((await fetch(`${s.url}/demo/qrcode?appId=%3C%2Fscript%3E`)).status).toBe(400);
  });
});
