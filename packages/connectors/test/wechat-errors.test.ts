/**
 * Every errcode the WeChat fake can answer, and the connector error it becomes. The vendor's code
 * and message go to `vendorDetail` (logs); the closed code is what the server shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorErrorCode } from '@gatehouse/connector-kit';
import { wechatMiniProgram, wechatPc } from '../src/index.js';
import { startWechatFake, WECHAT_FAKE_ERRCODES, type WechatFake, type WechatFakeErrcode } from './fakes/wechat.js';
import { expectConnectorError } from './helpers/deps.js';
import { socialDeps } from './helpers/social-china.js';

const EXPECTED: Record<WechatFakeErrcode, ConnectorErrorCode> = {
  '-1': 'connector.unavailable',
  '40001': 'connector.auth_failed',
  '40002': 'connector.invalid_config',
  '40003': 'connector.rejected',
  '40013': 'connector.auth_failed',
  '40014': 'connector.invalid_grant',
  '40029': 'connector.invalid_grant',
  '40053': 'connector.invalid_config',
  '40097': 'connector.invalid_config',
  '40125': 'connector.auth_failed',
  '40163': 'connector.invalid_grant',
  '40164': 'connector.invalid_config',
  '40169': 'connector.invalid_config',
  '40226': 'connector.not_allowed',
  '41008': 'connector.invalid_grant',
  '41030': 'connector.invalid_config',
  '42001': 'connector.invalid_grant',
  '42003': 'connector.invalid_grant',
  '45009': 'connector.rate_limited',
  '45011': 'connector.rate_limited',
  '48001': 'connector.invalid_config',
};

let fake: WechatFake;
beforeAll(async () => {
  fake = await startWechatFake({
    apps: [
      { appId: 'wxweb1', appSecret: 'web-secret', kind: 'website', redirectDomain: 'login.example.com' },
      { appId: 'wxmini1', appSecret: 'mini-secret', kind: 'miniprogram' },
    ],
    users: [{ key: 'alice' }],
  });
});
afterAll(() => fake.close());

describe('WeChat errcode mapping', () => {
  it('covers every errcode the fake can return', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(WECHAT_FAKE_ERRCODES).sort());
  });

  it.each(Object.entries(EXPECTED))('errcode %s → %s (code exchange)', async (errcode, expected) => {
    fake.failNext('/sns/oauth2/access_token', errcode as WechatFakeErrcode);
    const c = wechatPc.create({ appId: 'wxweb1', appSecret: 'web-secret' }, socialDeps(fake.overrides));
    const e = await expectConnectorError(c.handleCallback({ params: { code: fake.issueSnsCode('wxweb1', 'alice') }, redirectUri: 'https://login.example.com/cb', codeVerifier: '', nonce: '' }), expected);
    expect(e.vendorDetail).toContain(`wechat-pc: ${errcode} ${WECHAT_FAKE_ERRCODES[errcode as WechatFakeErrcode]}`);
    expect(e.message).not.toContain('web-secret');
  });

  it('a stale app token on an app-token call is retried once, then 40001 twice becomes auth_failed', async () => {
    const c = wechatMiniProgram.create({ appId: 'wxmini1', appSecret: 'mini-secret' }, socialDeps(fake.overrides));
    fake.failNext('/wxa/business/getuserphonenumber', '40001');
    const ok = await c.handleMobile!({ wxLoginInfo: { code: fake.wxLogin('wxmini1', 'alice').code }, wxPhoneInfo: { code: fake.phoneCode('wxmini1', 'alice') } });
    expect(ok.phone).toBe('+8613800138000');
    fake.failNext('/wxa/business/getuserphonenumber', '40001');
    fake.failNext('/wxa/business/getuserphonenumber', '42001');
    await expectConnectorError(c.handleMobile!({ wxLoginInfo: { code: fake.wxLogin('wxmini1', 'alice').code }, wxPhoneInfo: { code: fake.phoneCode('wxmini1', 'alice') } }), 'connector.auth_failed');
  });

  it('retryable codes are marked retryable', async () => {
    fake.failNext('/sns/jscode2session', '45011');
    const c = wechatMiniProgram.create({ appId: 'wxmini1', appSecret: 'mini-secret' }, socialDeps(fake.overrides));
    expect((await expectConnectorError(c.handleMobile!({ code: fake.wxLogin('wxmini1', 'alice').code }), 'connector.rate_limited')).retryable).toBe(true);
  });

  it('maps an unreachable WeChat to unavailable', async () => {
    const dead = wechatPc.create({ appId: 'wxweb1', appSecret: 'web-secret' }, socialDeps({ 'https://api.weixin.qq.com': 'http://127.0.0.1:9' }));
    await expectConnectorError(dead.handleCallback({ params: { code: 'c' }, redirectUri: 'https://x/cb', codeVerifier: '', nonce: '' }), 'connector.unavailable');
  });
});
