import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthenticationClient, ManagementClient } from 'authing-node-sdk';
import { startWechatFake, type WechatFake, type WechatFakeApp } from '../../../../packages/connectors/test/fakes/wechat.js';
import { ok } from '../support/management.js';
import { authClient } from '../support/server.js';
import { Browser, startOidcServer, type OidcTestServer } from '../oidc/support.js';

/**
 * The WeChat server flows against the WeChat fake through GATEHOUSE_UPSTREAM_OVERRIDES:
 *
 * - `wechatmp-qrcode` (plain and safe mode): the page gets a parametric QR code, the official
 *   account's signed push (a forged one refused) marks it scanned, the page's poll signs in once,
 *   for the browser that asked only; the server-configuration handshake; WeChat's retries;
 * - `wechat:miniprogram:default` through the vendor AuthenticationClient's `signInByMobile`
 *   (code2session, getuserphonenumber), `loginOnly` refusing an unknown user;
 * - `wechat:miniprogram:qrconnect`: a mini-program code on the PC page, confirmed by the mini
 *   program's `wx.login()` code;
 * - one person through the website QR, the mini program and the official account is one user
 *   (unionid of the shared Open Platform account).
 */
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const apps: WechatFakeApp[] = [
  { appId: 'wxmp00000000001', appSecret: 'mp-secret-1', kind: 'official-account', token: 'Token123', openPlatform: 'op-acme', originalId: 'gh_acme0001' },
  { appId: 'wxmp00000000002', appSecret: 'mp-secret-2', kind: 'official-account', token: 'SafeToken9', encodingAESKey: AES_KEY, messageMode: 'safe', openPlatform: 'op-acme', originalId: 'gh_acme0002' },
  { appId: 'wxmini000000001', appSecret: 'mini-secret-1', kind: 'miniprogram', openPlatform: 'op-acme', pages: ['pages/login/confirm'] },
  { appId: 'wxweb0000000001', appSecret: 'web-secret-1', kind: 'website', openPlatform: 'op-acme' },
  { appId: 'wxmini000000009', appSecret: 'mini-secret-9', kind: 'miniprogram' },
];
let fake: WechatFake;
let gh: OidcTestServer;
let mc: ManagementClient;
let ac: AuthenticationClient;
let appId = '';
let appSecret = '';
let loginOnlyConnId = '';

const events = (identifier: string) => `${gh.url}/connections/social/${identifier}/events`;

beforeAll(async () => {
  fake = await startWechatFake({ apps, users: [{ key: 'alice', nickname: 'Alice', phone: '13900000001' }, { key: 'bob', phone: '13900000002' }, { key: 'carol' }, { key: 'dave' }, { key: 'erin', phone: '13900000005' }] });
  gh = await startOidcServer({ config: { upstreamOverrides: JSON.stringify(fake.overrides) } as never });
  apps[3]!.redirectDomain = new URL(gh.url).host;
  mc = gh.mgmt();
  const app = (await gh.container.services.applications.create(gh.poolId, { appName: 'WeChat app', appType: 'web', redirectUris: ['http://127.0.0.1:1/cb'] } as never)) as { appId: string; appSecret: string };
  appId = app.appId;
  appSecret = app.appSecret;
  ac = authClient({ appId, appSecret, host: gh.url });
  const idp = ok(await mc.createExtIdp({ name: 'WeChat', type: 'wechat' as never }));
  const conns: Array<[string, string, Record<string, unknown>, boolean?]> = [
    ['wechatmp-qrcode', 'wxmp', { appId: apps[0]!.appId, appSecret: apps[0]!.appSecret, token: apps[0]!.token }],
    ['wechatmp-qrcode', 'wxmpsafe', { appId: apps[1]!.appId, appSecret: apps[1]!.appSecret, token: apps[1]!.token, encodingAESKey: AES_KEY, messageMode: 'safe' }],
    ['wechat:miniprogram:default', 'wxmini', { appId: apps[2]!.appId, appSecret: apps[2]!.appSecret }],
    ['wechat:miniprogram:qrconnect', 'wxminiqr', { appId: apps[2]!.appId, appSecret: apps[2]!.appSecret, page: 'pages/login/confirm' }],
    ['wechat:pc', 'wxweb', { appId: apps[3]!.appId, appSecret: apps[3]!.appSecret }],
    ['wechat:miniprogram:default', 'wxminionly', { appId: apps[4]!.appId, appSecret: apps[4]!.appSecret }, true],
  ];
  for (const [type, identifier, fields, loginOnly] of conns) {
    const conn = ok(await mc.createExtIdpConn({ extIdpId: idp.id, type: type as never, identifier, displayName: identifier, fields, ...(loginOnly ? { loginOnly } : {}) }));
    ok(await mc.changeExtIdpConnState({ id: conn.id, enabled: true, appId }));
    if (loginOnly) loginOnlyConnId = conn.id;
  }
}, 120_000);
afterAll(async () => {
  await gh?.close();
  await fake?.close();
});

interface QrCode {
  scene: string;
  kind: string;
  imageUrl: string;
  wechatImageUrl?: string;
  url?: string;
  expiresAt: string;
}
type Poll = { status: string; result?: { code: number; message: string; data: { userId: string; phone?: string; token: string } | null }; error?: unknown };

async function newQr(b: Browser, identifier: string): Promise<QrCode> {
  const res = await b.fetch(`${gh.url}/connections/social/${identifier}/qrcode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ app_id: appId }) });
  expect(res.status).toBe(200);
  return (await res.json()) as QrCode;
}
async function poll(b: Browser, identifier: string, scene: string): Promise<{ status: number; body: Poll & { apiCode?: number; code?: number } }> {
  const res = await b.fetch(`${gh.url}/connections/social/${identifier}/qrcode/${scene}`);
  return { status: res.status, body: (await res.json()) as never };
}
const ticketOf = (qr: QrCode) => new URL(qr.wechatImageUrl!).searchParams.get('ticket')!;

/** A QR code scanned by `user` through the official account `identifier`: the page's user id. */
async function scanIn(identifier: string, user: string): Promise<string> {
  const b = new Browser();
  const qr = await newQr(b, identifier);
  const push = await fake.scan(ticketOf(qr), user, events(identifier));
  expect(push).toMatchObject({ status: 200, text: 'success' });
  const p = await poll(b, identifier, qr.scene);
  expect(p.body).toMatchObject({ status: 'signed_in', result: { code: 200 } });
  return p.body.result!.data!.userId;
}

describe('wechatmp-qrcode: official account scan login', () => {
  it('answers the server-configuration handshake, and refuses one with a wrong signature', async () => {
    expect(await fake.handshake(apps[0]!.appId, events('wxmp'))).toBe(true);
    const forged = await fetch(`${events('wxmp')}?signature=${'0'.repeat(40)}&timestamp=${Math.floor(Date.now() / 1000)}&nonce=123&echostr=hello`);
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ apiCode: 5010001 });
  });

  it('shows a QR code, refuses a forged push, signs in on the genuine scan once, for the browser that asked', async () => {
    const b = new Browser();
    const qr = await newQr(b, 'wxmp');
    expect(qr.kind).toBe('official-account');
    expect(qr.imageUrl.startsWith('data:image/png;base64,')).toBe(true); // rendered from qr.url
    expect(qr.url).toMatch(/^http:\/\/weixin\.qq\.com\/q\//);
    expect(new URL(qr.wechatImageUrl!).origin).toBe(fake.origin); // WeChat's showqrcode, rewritten to the fake
    expect((await fetch(qr.wechatImageUrl!)).headers.get('content-type')).toBe('image/png');
    expect(fake.sceneOf(ticketOf(qr))).toBe(qr.scene);
    expect((await poll(b, 'wxmp', qr.scene)).body).toEqual({ status: 'pending' });

    // A push signed with a guessed token: refused, the scene stays pending.
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = '424242';
    const badSig = createHash('sha1').update(['not-the-token', ts, nonce].sort().join('')).digest('hex');
    const xml = `<xml><ToUserName><![CDATA[gh_acme0001]]></ToUserName><FromUserName><![CDATA[${fake.openidOf(apps[0]!.appId, 'dave')}]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_${qr.scene}]]></EventKey></xml>`;
    const forged = await fetch(`${events('wxmp')}?signature=${badSig}&timestamp=${ts}&nonce=${nonce}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml });
    expect(forged.status).toBe(403);
    expect((await poll(b, 'wxmp', qr.scene)).body).toEqual({ status: 'pending' });

    const push = await fake.scan(ticketOf(qr), 'alice', events('wxmp'));
    expect(push).toMatchObject({ status: 200, text: 'success' });
    // WeChat's retry of the same push is answered and ignored.
    expect(await fake.replay(push.request)).toMatchObject({ status: 200, text: 'success' });

    // Another browser that read the scene off the screen cannot collect the sign-in.
    const thief = await poll(new Browser(), 'wxmp', qr.scene);
    expect(thief.status).toBe(400);
    expect(thief.body).toMatchObject({ apiCode: 5010003 });

    const done = await poll(b, 'wxmp', qr.scene);
    expect(done.body).toMatchObject({ status: 'signed_in', result: { code: 200, data: { userId: expect.any(String), token: expect.any(String) } } });
    const again = await poll(b, 'wxmp', qr.scene);
    expect(again.status).toBe(400);

    // The second scan (now a follower: SCAN without the qrscene_ prefix) finds the same user.
    expect(fake.isFollower(apps[0]!.appId, 'alice')).toBe(true);
    expect(await scanIn('wxmp', 'alice')).toBe(done.body.result!.data!.userId);
  });

  it('in safe mode, accepts only the encrypted push', async () => {
    const b = new Browser();
    const qr = await newQr(b, 'wxmpsafe');
    // The plain XML with a valid Token signature is refused: in safe mode WeChat always encrypts.
    const plain = await fake.push(apps[0]!.appId, events('wxmpsafe'), { ToUserName: 'gh_acme0002', FromUserName: 'oX', CreateTime: Math.floor(Date.now() / 1000), MsgType: 'event', Event: 'SCAN', EventKey: qr.scene });
    expect(plain.status).toBe(403);
    const push = await fake.scan(ticketOf(qr), 'bob', events('wxmpsafe'));
    expect(push).toMatchObject({ status: 200, text: 'success' });
    expect((await poll(b, 'wxmpsafe', qr.scene)).body).toMatchObject({ status: 'signed_in', result: { code: 200 } });
  });

  it('refuses a QR code for a connection that is not enabled, and an unknown scene', async () => {
    const b = new Browser();
    const res = await b.fetch(`${gh.url}/connections/social/nope/qrcode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ app_id: appId }) });
    expect(res.status).toBe(404);
    expect((await poll(b, 'wxmp', 'x'.repeat(43))).status).toBe(400);
  });
});

describe('wechat:miniprogram:default through the vendor AuthenticationClient', () => {
  it('signs in with a wx.login() code (the first login registers, the second finds the user), and with the phone code', async () => {
    const first = await ac.signInByMobile({ extIdpConnidentifier: 'wxmini', connection: 'wechat_mini_program_code' as never, wechatMiniProgramCodePayload: { code: fake.wxLogin(apps[2]!.appId, 'carol').code } as never, client_id: appId, client_secret: appSecret } as never);
    expect(first.statusCode).toBe(200);
    const token = (first.data as { access_token: string }).access_token;
    expect(token).toBeTruthy();
    const second = await ac.signInByMobile({ extIdpConnidentifier: 'wxmini', connection: 'wechat_mini_program_code' as never, wechatMiniProgramCodePayload: { code: fake.wxLogin(apps[2]!.appId, 'carol').code } as never, client_id: appId, client_secret: appSecret } as never);
    const sub = (t: string) => (JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
    expect(sub((second.data as { access_token: string }).access_token)).toBe(sub(token));

    // A used code is refused (WeChat's 40163) with a catalogued error.
    const code = fake.wxLogin(apps[2]!.appId, 'carol').code;
    await ac.signInByMobile({ extIdpConnidentifier: 'wxmini', connection: 'wechat_mini_program_code' as never, wechatMiniProgramCodePayload: { code } as never, client_id: appId, client_secret: appSecret } as never);
    const reused = await ac.signInByMobile({ extIdpConnidentifier: 'wxmini', connection: 'wechat_mini_program_code' as never, wechatMiniProgramCodePayload: { code } as never, client_id: appId, client_secret: appSecret } as never);
    expect(reused.statusCode).not.toBe(200);
    expect(reused.apiCode).toBeGreaterThan(5000000);

    // wx.login() + getPhoneNumber: the verified phone is on the user.
    const withPhone = await ac.signInByMobile({ extIdpConnidentifier: 'wxmini', connection: 'wechat_mini_program_code_and_phone' as never, wechatMiniProgramCodeAndPhonePayload: { wxLoginInfo: { code: fake.wxLogin(apps[2]!.appId, 'erin').code }, wxPhoneInfo: { code: fake.phoneCode(apps[2]!.appId, 'erin') } } as never, client_id: appId, client_secret: appSecret } as never);
    expect(withPhone.statusCode).toBe(200);
    const erinId = sub((withPhone.data as { access_token: string }).access_token);
    const erin = ok(await mc.getUser({ userId: erinId }));
    expect(erin).toMatchObject({ phoneVerified: true });
    expect(erin.phone).toMatch(/13900000005$/); // stored as the pool's identifier profile normalises it
  });

  it('refuses an unknown user on a loginOnly connection', async () => {
    expect(loginOnlyConnId).not.toBe('');
    const r = await ac.signInByMobile({ extIdpConnidentifier: 'wxminionly', connection: 'wechat_mini_program_code' as never, wechatMiniProgramCodePayload: { code: fake.wxLogin(apps[4]!.appId, 'dave').code } as never, client_id: appId, client_secret: appSecret } as never);
    expect(r.statusCode).toBe(403);
    expect(r.apiCode).toBe(5000018);
  });
});

describe('wechat:miniprogram:qrconnect: the mini program scans the PC page', () => {
  it('shows a mini-program code, the mini program confirms with its wx.login() code, the PC page signs in', async () => {
    const b = new Browser();
    const qr = await newQr(b, 'wxminiqr');
    expect(qr.kind).toBe('miniprogram-qr');
    expect(qr.imageUrl.startsWith('data:image/png;base64,')).toBe(true);
    expect(qr.scene.length).toBeLessThanOrEqual(32);
    expect((await poll(b, 'wxminiqr', qr.scene)).body).toEqual({ status: 'pending' });
    const confirm = (code: string) => fetch(`${gh.url}/connections/social/wxminiqr/qrcode/${qr.scene}/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    const bad = await confirm('not-a-wechat-code');
    expect(bad.status).toBe(502);
    expect(await bad.json()).toMatchObject({ apiCode: 5000015 });
    const good = await confirm(fake.wxLogin(apps[2]!.appId, 'carol').code);
    // The first confirmation (even a refused one) spends the scene: a new code must be shown.
    expect(good.status).toBe(400);

    const qr2 = await newQr(b, 'wxminiqr');
    const ok2 = await fetch(`${gh.url}/connections/social/wxminiqr/qrcode/${qr2.scene}/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: fake.wxLogin(apps[2]!.appId, 'carol').code }) });
    expect(ok2.status).toBe(200);
    const done = await poll(b, 'wxminiqr', qr2.scene);
    expect(done.body).toMatchObject({ status: 'signed_in', result: { code: 200 } });
  });
});

describe('one WeChat user across connections (unionid)', () => {
  it('the website QR, the mini program and the official account sign alice in to one user', async () => {
    // Website QR (wechat:pc): the redirect round trip at the fake.
    fake.signInAs('alice');
    const b = new Browser();
    const first = await b.fetch(`${gh.url}/connections/social/wxweb?app_id=${appId}`);
    const to = first.headers.get('location')!;
    expect(new URL(to).origin).toBe(fake.origin);
    const { url } = await b.follow(to, `${gh.url}/connections/social/wxweb/callback`);
    const html = await (await b.fetch(url)).text();
    const m = /var m=(\{.*?\});var o=/.exec(html);
    expect(m).not.toBeNull();
    const web = JSON.parse(m![1]!.replace(/\\u003c/g, '<')) as { code: number; data: { userId: string } };
    expect(web.code).toBe(200);

    const mini = await ac.signInByMobile({ extIdpConnidentifier: 'wxmini', connection: 'wechat_mini_program_code' as never, wechatMiniProgramCodePayload: { code: fake.wxLogin(apps[2]!.appId, 'alice').code } as never, client_id: appId, client_secret: appSecret } as never);
    const sub = (JSON.parse(Buffer.from((mini.data as { access_token: string }).access_token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
    expect(sub).toBe(web.data.userId);
    expect(await scanIn('wxmp', 'alice')).toBe(web.data.userId);
    const ids = ok(await mc.getUserIdentities({ userId: web.data.userId }));
    expect(ids.some((i: { type: string; userIdInIdp: string }) => i.type === 'unionid' && i.userIdInIdp === fake.unionidOf(apps[3]!.appId, 'alice'))).toBe(true);
  });
});
