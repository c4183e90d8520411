/**
 * `wechatmp-qrcode` against the WeChat fake: the QR code comes from the fake's
 * cgi-bin/qrcode/create, the fake's `scan()` pushes the signed (and encrypted) event to a small
 * receiver standing in for the server's `/connections/social/<identifier>/events` route, which
 * hands the request to `officialAccount.handlePush` exactly as the server must.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, type WechatOfficialAccountEvent, type WithOfficialAccount } from '@gatehouse/connector-kit';
import { wechatOfficialAccount } from '../src/index.js';
import { startWechatFake, type WechatFake } from './fakes/wechat.js';
import { expectConnectorError } from './helpers/deps.js';
import { rewrite, socialDeps } from './helpers/social-china.js';

const KEY_A = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const KEY_B = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
const APPS = {
  plain: { appId: 'wxoaplain000001', appSecret: 'oa-secret-1', token: 'pushToken1', originalId: 'gh_plain0001' },
  safe: { appId: 'wxoasafe0000001', appSecret: 'oa-secret-2', token: 'pushToken2', encodingAESKey: KEY_A, originalId: 'gh_safe00001' },
  compat: { appId: 'wxoacompat00001', appSecret: 'oa-secret-3', token: 'pushToken3', encodingAESKey: KEY_B, originalId: 'gh_compat0001' },
  // same Token and key as `safe`, another AppID: its ciphertexts must not be accepted by `safe`
  twin: { appId: 'wxoatwin0000001', appSecret: 'oa-secret-4', token: 'pushToken2', encodingAESKey: KEY_A, originalId: 'gh_twin00001' },
} as const;

let fake: WechatFake;
beforeAll(async () => {
  fake = await startWechatFake({
    apps: [
      { ...APPS.plain, kind: 'official-account', openPlatform: 'op1', messageMode: 'plain' },
      { ...APPS.safe, kind: 'official-account', openPlatform: 'op1', messageMode: 'safe' },
      { ...APPS.compat, kind: 'official-account', messageMode: 'compatible' },
      { ...APPS.twin, kind: 'official-account', messageMode: 'safe' },
      { appId: 'wxweb0000000001', appSecret: 'web', kind: 'website', redirectDomain: 'login.example.com', openPlatform: 'op1' },
    ],
    users: [{ key: 'alice' }, { key: 'bob' }, { key: 'carol' }],
  });
});
afterAll(() => fake.close());

type Mode = 'plain' | 'compatible' | 'safe';
function connector(app: keyof typeof APPS, mode: Mode, opts: { now?: () => Date } = {}): WithOfficialAccount {
  const a = APPS[app];
  return wechatOfficialAccount.create(
    { appId: a.appId, appSecret: a.appSecret, token: a.token, messageMode: mode, ...('encodingAESKey' in a ? { encodingAESKey: a.encodingAESKey } : {}) },
    socialDeps(fake.overrides, opts),
  );
}

/** What the server's events route must do: hand the request over, answer the reply or 401. */
async function startReceiver(c: WithOfficialAccount) {
  const events: WechatOfficialAccountEvent[] = [];
  const refusals: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      try {
        const out = c.officialAccount.handlePush({ method: req.method === 'GET' ? 'GET' : 'POST', query: Object.fromEntries(url.searchParams), body });
        if (out.kind === 'event') events.push(out.event);
        res.writeHead(200, { 'content-type': 'text/plain' }).end(out.reply);
      } catch (err) {
        refusals.push(err instanceof ConnectorError ? `${err.code} ${err.vendorDetail ?? ''}` : String(err));
        res.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/connections/social/wechat-oa/events`;
  return { url, events, refusals, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const sha1 = (...p: string[]) => createHash('sha1').update(p.sort().join('')).digest('hex');
const ts = () => String(Math.floor(Date.now() / 1000));

describe('wechatmp-qrcode: QR code, scan, follower profile', () => {
  it('creates a QR_STR_SCENE code whose image WeChat serves; a new follower scanning pushes subscribe with qrscene_ removed', async () => {
    const c = connector('plain', 'plain');
    const rx = await startReceiver(c);
    try {
      expect(await fake.handshake(APPS.plain.appId, rx.url)).toBe(true);
      const qr = await c.officialAccount.createLoginQrCode('login-7f3a9c');
      expect(qr.sceneStr).toBe('login-7f3a9c');
      expect(fake.sceneOf(qr.ticket)).toBe('login-7f3a9c');
      expect(qr.url).toMatch(/^http:\/\/weixin\.qq\.com\/q\//);
      expect(qr.expiresAt.getTime()).toBeGreaterThan(Date.now() + 200_000);
      const img = await fetch(rewrite(qr.imageUrl, fake.overrides));
      expect(img.headers.get('content-type')).toBe('image/png');

      const pushed = await fake.scan(qr.ticket, 'alice', rx.url);
      expect(pushed).toMatchObject({ status: 200, text: 'success' });
      expect(rx.events).toHaveLength(1);
      const ev = rx.events[0]!;
      expect(ev).toMatchObject({ event: 'subscribe', sceneStr: 'login-7f3a9c', ticket: qr.ticket, account: 'gh_plain0001', openId: fake.openidOf(APPS.plain.appId, 'alice') });

      const profile = await c.officialAccount.profileForOpenId(ev.openId);
      const unionid = fake.unionidOf(APPS.plain.appId, 'alice')!;
      expect(profile).toMatchObject({ id: unionid, unionId: unionid, raw: { appId: APPS.plain.appId, openid: ev.openId, subscribe: 1 } });
      // same person as the website login of the same Open Platform account
      expect(unionid).toBe(fake.unionidOf('wxweb0000000001', 'alice'));
    } finally {
      await rx.close();
    }
  });

  it('an existing follower scanning pushes SCAN with the bare scene', async () => {
    const c = connector('plain', 'plain');
    const rx = await startReceiver(c);
    try {
      await fake.scan((await c.officialAccount.createLoginQrCode('first-scan')).ticket, 'bob', rx.url);
      await fake.scan((await c.officialAccount.createLoginQrCode('second-scan')).ticket, 'bob', rx.url);
      expect(rx.events.map((e) => [e.event, e.sceneStr])).toEqual([
        ['subscribe', 'first-scan'],
        ['SCAN', 'second-scan'],
      ]);
    } finally {
      await rx.close();
    }
  });

  it("gives WeChat's retries of one event the same dedupe key", async () => {
    const c = connector('plain', 'plain');
    const rx = await startReceiver(c);
    try {
      const first = await fake.scan((await c.officialAccount.createLoginQrCode('retried')).ticket, 'carol', rx.url);
      await fake.replay(first.request);
      await fake.replay(first.request);
      expect(rx.events).toHaveLength(3);
      expect(new Set(rx.events.map((e) => e.dedupeKey)).size).toBe(1);
      expect(rx.events[0]!.dedupeKey).toBe(`${fake.openidOf(APPS.plain.appId, 'carol')}:${rx.events[0]!.createTime}`);
    } finally {
      await rx.close();
    }
  });

  it('ignores user messages and follows without a QR scene', async () => {
    const c = connector('plain', 'plain');
    const rx = await startReceiver(c);
    try {
      const openid = fake.openidOf(APPS.plain.appId, 'alice');
      const base = { ToUserName: 'gh_plain0001', FromUserName: openid, CreateTime: Number(ts()) };
      expect((await fake.push(APPS.plain.appId, rx.url, { ...base, MsgType: 'text', Content: 'hello', MsgId: 1234567 })).text).toBe('success');
      await fake.push(APPS.plain.appId, rx.url, { ...base, MsgType: 'event', Event: 'subscribe', EventKey: '' });
      expect(rx.events).toHaveLength(1);
      expect(rx.events[0]!.sceneStr).toBeUndefined();
    } finally {
      await rx.close();
    }
  });

  it('maps profileForOpenId of a non-follower (40003) to rejected', async () => {
    await expectConnectorError(connector('plain', 'plain').officialAccount.profileForOpenId('o-not-a-follower'), 'connector.rejected');
  });

  it('refuses a scene WeChat would refuse before calling it', async () => {
    await expectConnectorError(connector('plain', 'plain').officialAccount.createLoginQrCode('x'.repeat(65)), 'connector.invalid_config');
    await expectConnectorError(connector('plain', 'plain').officialAccount.createLoginQrCode(''), 'connector.invalid_config');
  });
});

describe('wechatmp-qrcode: encrypted modes', () => {
  it.each([
    ['safe', 'safe'],
    ['compat', 'compatible'],
  ] as const)('%s mode: verifies msg_signature, decrypts, and checks the AppID inside', async (app, mode) => {
    const c = connector(app, mode);
    const rx = await startReceiver(c);
    try {
      expect(await fake.handshake(APPS[app].appId, rx.url)).toBe(true);
      const qr = await c.officialAccount.createLoginQrCode(`enc-${app}`);
      const out = await fake.scan(qr.ticket, 'alice', rx.url);
      expect(out.status).toBe(200);
      expect(new URL(out.request.url).searchParams.get('encrypt_type')).toBe('aes');
      expect(rx.events[0]).toMatchObject({ event: 'subscribe', sceneStr: `enc-${app}` });
    } finally {
      await rx.close();
    }
  });

  it("refuses a ciphertext of another account that shares the Token and key (the AppID inside is not ours)", async () => {
    const rx = await startReceiver(connector('safe', 'safe'));
    const twin = connector('twin', 'safe');
    try {
      const qr = await twin.officialAccount.createLoginQrCode('twin-scene');
      const out = await fake.scan(qr.ticket, 'alice', rx.url);
      expect(out.status).toBe(401);
      expect(rx.refusals[0]).toMatch(/connector.invalid_token .*another AppID/);
      expect(rx.events).toHaveLength(0);
    } finally {
      await rx.close();
    }
  });

  it('refuses a plain push to an account in safe mode', async () => {
    const c = connector('safe', 'safe');
    const t = ts();
    const body = `<xml><ToUserName><![CDATA[gh_safe00001]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>${t}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[s]]></EventKey></xml>`;
    const e = expectThrows(() => c.officialAccount.handlePush({ method: 'POST', query: { signature: sha1('pushToken2', t, 'n1'), timestamp: t, nonce: 'n1' }, body }));
    expect(e.vendorDetail).toContain('safe mode');
  });

  it('refuses a forged msg_signature and a tampered ciphertext', async () => {
    const c = connector('safe', 'safe');
    const rx = await startReceiver(c);
    try {
      // capture a genuine encrypted push, then alter it
      const genuine = await fake.scan((await c.officialAccount.createLoginQrCode('tamper')).ticket, 'bob', rx.url);
      const url = new URL(genuine.request.url);
      const query = Object.fromEntries(url.searchParams);
      expectThrows(() => c.officialAccount.handlePush({ method: 'POST', query: { ...query, msg_signature: 'f'.repeat(40) }, body: genuine.request.body }));
      const enc = /<Encrypt><!\[CDATA\[(.*?)\]\]><\/Encrypt>/.exec(genuine.request.body)![1]!;
      const flipped = Buffer.from(enc, 'base64');
      flipped[flipped.length - 20]! ^= 0xff;
      const forgedEnc = flipped.toString('base64');
      const forgedBody = genuine.request.body.replace(enc, forgedEnc);
      // even with a msg_signature recomputed with the real Token, the plaintext does not authenticate
      const forged = { ...query, msg_signature: sha1('pushToken2', query['timestamp']!, query['nonce']!, forgedEnc) };
      expectThrows(() => c.officialAccount.handlePush({ method: 'POST', query: forged, body: forgedBody }));
    } finally {
      await rx.close();
    }
  });

  it('needs an EncodingAESKey outside plain mode', () => {
    expect(() => wechatOfficialAccount.create({ appId: 'wx1', appSecret: 's', token: 'tok123', messageMode: 'safe' }, socialDeps({}))).toThrow(ConnectorError);
  });
});

function expectThrows(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).code).toBe('connector.invalid_token');
    return err as ConnectorError;
  }
  throw new Error('expected handlePush to refuse the push');
}

describe('wechatmp-qrcode: forged and malformed pushes', () => {
  const c = () => connector('plain', 'plain');
  const genuine = (t = ts(), nonce = 'n0nce') => ({ signature: sha1('pushToken1', t, nonce), timestamp: t, nonce });
  const xml = (t: string) =>
    `<xml><ToUserName><![CDATA[gh_plain0001]]></ToUserName><FromUserName><![CDATA[oABC]]></FromUserName><CreateTime>${t}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[scene1]]></EventKey></xml>`;

  it('accepts a genuine push (control)', () => {
    const t = ts();
    const out = c().officialAccount.handlePush({ method: 'POST', query: genuine(t), body: xml(t) });
    expect(out).toMatchObject({ kind: 'event', event: { event: 'SCAN', sceneStr: 'scene1', openId: 'oABC' } });
  });

  it('refuses a push signed with another Token, or without a signature', () => {
    const t = ts();
    expectThrows(() => c().officialAccount.handlePush({ method: 'POST', query: { signature: sha1('guessed', t, 'n'), timestamp: t, nonce: 'n' }, body: xml(t) }));
    expectThrows(() => c().officialAccount.handlePush({ method: 'POST', query: { timestamp: t, nonce: 'n' }, body: xml(t) }));
  });

  it('checks the GET handshake signature too, and needs an echostr', () => {
    const t = ts();
    expect(c().officialAccount.handlePush({ method: 'GET', query: { ...genuine(t), echostr: 'e123' }, body: '' })).toEqual({ kind: 'handshake', reply: 'e123' });
    expectThrows(() => c().officialAccount.handlePush({ method: 'GET', query: { signature: sha1('wrong', t, 'n'), timestamp: t, nonce: 'n', echostr: 'e123' }, body: '' }));
    expectThrows(() => c().officialAccount.handlePush({ method: 'GET', query: genuine(t), body: '' }));
  });

  it('refuses a genuinely signed push outside the freshness window (a captured push replayed later)', () => {
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    expectThrows(() => c().officialAccount.handlePush({ method: 'POST', query: genuine(old), body: xml(old) }));
    const late = connector('plain', 'plain', { now: () => new Date(Date.now() + 3600_000) });
    const t = ts();
    expectThrows(() => late.officialAccount.handlePush({ method: 'POST', query: genuine(t), body: xml(t) }));
  });

  it('refuses bodies that are not WeChat XML: DOCTYPE/entities, junk, oversized, missing fields', () => {
    const t = ts();
    const q = genuine(t);
    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><ToUserName>&e;</ToUserName></xml>`;
    for (const body of [xxe, 'not xml', `<xml>${'<A>1</A>'.repeat(20_000)}</xml>`, '<xml><MsgType>event</MsgType></xml>']) {
      expectThrows(() => c().officialAccount.handlePush({ method: 'POST', query: q, body }));
    }
  });
});

describe('wechatmp-qrcode: the app access token', () => {
  it('is cached across calls and refetched once when WeChat says it expired (42001)', async () => {
    const c = connector('compat', 'compatible');
    const before = fake.stats.appTokensIssued;
    await c.officialAccount.createLoginQrCode('cache-1');
    await c.officialAccount.createLoginQrCode('cache-2');
    expect(fake.stats.appTokensIssued - before).toBe(1);
    const info = await c.officialAccount.appAccessToken();
    expect(info.expiresAt.getTime()).toBeGreaterThan(Date.now());
    fake.advance(7201); // WeChat's clock passes the token's expiry; ours still has it cached
    await c.officialAccount.createLoginQrCode('cache-3');
    expect(fake.stats.appTokensIssued - before).toBe(2);
  });

  it('maps a wrong AppSecret at cgi-bin/token (40001) to auth_failed', async () => {
    const c = wechatOfficialAccount.create({ appId: APPS.plain.appId, appSecret: 'wrong', token: 'pushToken1' }, socialDeps(fake.overrides));
    const e = await expectConnectorError(c.officialAccount.createLoginQrCode('s'), 'connector.auth_failed');
    expect(e.vendorDetail).toContain('40001');
  });

  it('has no redirect flow', async () => {
    await expectConnectorError(connector('plain', 'plain').authorizationUrl({ state: 's', nonce: 'n', codeChallenge: 'c', redirectUri: 'https://x' }), 'connector.invalid_config');
  });
});
