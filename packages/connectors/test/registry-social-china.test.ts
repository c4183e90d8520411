/**
 * The China registry: every connection type of the China ecosystem has a connector, every type
 * and mobile `connection` is one the vendor SDK defines, and the manifests are consistent.
 */
import { describe, expect, it } from 'vitest';
import { CreateExtIdpConnDto } from 'authing-node-sdk/dist/models/CreateExtIdpConnDto.js';
import { SigninByMobileDto } from 'authing-node-sdk/dist/models/SigninByMobileDto.js';
import { chinaSocialConnectors, chinaSocialConnectorsByType, getChinaSocialConnectorFactory } from '../src/index.js';
import { socialDeps } from './helpers/social-china.js';

const REQUIRED_TYPES = [
  'wechat:pc',
  'wechat:webpage-authorization',
  'wechat:mobile',
  'wechatmp-qrcode',
  'wechat:miniprogram:default',
  'wechat:miniprogram:qrconnect',
  'dingtalk',
  'dingtalk:mobile',
  'wechatwork:corp:qrconnect',
  'wechatwork:mobile',
  'lark-internal',
  'lark-public',
  'alipay',
  'qq',
  'qq:mobile',
  'weibo',
  'weibo:mobile',
  'baidu',
  'baidu:mobile',
  'douyin:mobile',
  'douyin:miniprogram:default',
  'yidun',
];

describe('China social connector registry', () => {
  it('serves every China connection type, and only types the vendor SDK defines', () => {
    expect(Object.keys(chinaSocialConnectorsByType).sort()).toEqual([...REQUIRED_TYPES].sort());
    const sdkTypes = new Set<string>(Object.values(CreateExtIdpConnDto.type));
    for (const t of REQUIRED_TYPES) expect(sdkTypes.has(t), t).toBe(true);
    expect(getChinaSocialConnectorFactory('wechat:pc')?.manifest.id).toBe('wechat-pc');
    expect(getChinaSocialConnectorFactory('toString')).toBeUndefined();
    expect(getChinaSocialConnectorFactory('github')).toBeUndefined();
  });

  it('mobile connections are the SDK`s signin-by-mobile `connection` values, each served once', () => {
    const sdk = new Set<string>(Object.values(SigninByMobileDto.connection));
    const all = Object.values(chinaSocialConnectors).flatMap((f) => f.manifest.mobileConnections);
    for (const c of all) expect(sdk.has(c), c).toBe(true);
    expect(new Set(all).size).toBe(all.length);
  });

  it.each(Object.entries(chinaSocialConnectors))('%s: a consistent social manifest', (id, f) => {
    const m = f.manifest;
    expect(m.id).toBe(id);
    expect(m.kind).toBe('social');
    expect(m.trustsVerifiedEmail).toBe(false);
    expect(m.docs.length).toBeGreaterThan(0);
    const props = Object.keys((m.configSchema as unknown as { properties: Record<string, unknown> }).properties);
    expect(m.secretFields.length).toBeGreaterThan(0);
    for (const s of m.secretFields) expect(props, s).toContain(s);
    expect(m.flows.includes('mobile')).toBe(m.mobileConnections.length > 0);
  });

  it.each(Object.entries(chinaSocialConnectors))('%s: refuses an empty config without echoing values', (_id, f) => {
    expect(() => f.create({ appSecret: 'do-not-echo-me' }, socialDeps({}))).toThrow(/invalid_config/);
    try {
      f.create({ appSecret: 'do-not-echo-me', secretKey: 'do-not-echo-me' }, socialDeps({}));
    } catch (err) {
      expect(String(err)).not.toContain('do-not-echo-me');
    }
  });
});
