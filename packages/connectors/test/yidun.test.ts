/** `yidun` (NetEase Yidun one-click login) against the Yidun fake. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorErrorCode } from '@gatehouse/connector-kit';
import { yidun, yidunSignature } from '../src/index.js';
import { startYidunFake, YIDUN_FAKE_CODES, type YidunFake, type YidunFakeCode } from './fakes/yidun.js';
import { expectConnectorError } from './helpers/deps.js';
import { socialDeps } from './helpers/social-china.js';

const CREDS = { secretId: 'yd-secret-id-0001', secretKey: 'yd-secret-key', businessId: 'yd-oneclick-biz' };
let fake: YidunFake;
beforeAll(async () => {
  fake = await startYidunFake(CREDS);
});
afterAll(() => fake.close());

const connector = (extra: Record<string, unknown> = {}, now?: () => Date) => yidun.create({ ...CREDS, ...extra }, socialDeps(fake.overrides, now ? { now } : {}));

describe('yidun', () => {
  it('verifies the carrier token pair and returns the verified phone as the id', async () => {
    const profile = await connector().handleMobile!(fake.issueTokens('13712345678'));
    expect(profile).toEqual({ id: '+8613712345678', phone: '+8613712345678', phoneVerified: true, phoneCountryCode: '+86', raw: { phone: '+8613712345678' } });
    const sent = fake.requests.at(-1)!.form();
    expect(sent).toMatchObject({ secretId: CREDS.secretId, businessId: CREDS.businessId, version: 'v1' });
    expect(sent['nonce']).toHaveLength(32);
    expect(sent['signature']).toBe(yidunSignature(sent, CREDS.secretKey));
    expect(JSON.stringify(sent)).not.toContain(CREDS.secretKey);
  });

  it('signs as Yidun documents: sorted name+value pairs, then the SecretKey, MD5', () => {
    // from the documented example shape: bar2baz4foo1foo_bar3 + key
    // Yidun's own example: foo=1, bar=2, foo_bar=3, baz=4 → "bar2baz4foo1foo_bar3" + secretKey
    expect(yidunSignature({ foo: '1', bar: '2', foo_bar: '3', baz: '4', signature: 'ignored' }, 'your_secretKey')).toBe(createHash('md5').update('bar2baz4foo1foo_bar3your_secretKey').digest('hex'));
  });

  it('maps a used or expired token (no phone) to invalid_grant', async () => {
    const pair = fake.issueTokens('13712345678');
    await connector().handleMobile!(pair);
    expect((await expectConnectorError(connector().handleMobile!(pair), 'connector.invalid_grant')).vendorDetail).toContain('resultCode 103111');
    const old = fake.issueTokens('13712345678');
    fake.advance(121);
    await expectConnectorError(connector(undefined, () => new Date(Date.now() + 121_000)).handleMobile!(old), 'connector.invalid_grant');
  });

  it('maps a wrong SecretKey (410), an unknown business (401) and a skewed clock (420) to auth_failed', async () => {
    expect((await expectConnectorError(connector({ secretKey: 'wrong' }).handleMobile!(fake.issueTokens('13700000000')), 'connector.auth_failed')).vendorDetail).toContain('410');
    expect((await expectConnectorError(connector({ businessId: 'other' }).handleMobile!(fake.issueTokens('13700000000')), 'connector.auth_failed')).vendorDetail).toContain('401');
    expect((await expectConnectorError(connector({}, () => new Date(Date.now() - 3600_000)).handleMobile!(fake.issueTokens('13700000000')), 'connector.auth_failed')).vendorDetail).toContain('420');
  });

  it('refuses a payload without both tokens, and has no redirect flow', async () => {
    await expectConnectorError(connector().handleMobile!({ token: 'x' }), 'connector.invalid_grant');
    await expectConnectorError(connector().authorizationUrl({ state: 's', nonce: 'n', codeChallenge: 'c', redirectUri: 'https://x' }), 'connector.invalid_config');
  });

  const EXPECTED: Record<YidunFakeCode, ConnectorErrorCode> = {
    '400': 'connector.invalid_config',
    '401': 'connector.auth_failed',
    '405': 'connector.invalid_grant',
    '410': 'connector.auth_failed',
    '411': 'connector.rate_limited',
    '414': 'connector.invalid_grant',
    '420': 'connector.auth_failed',
    '430': 'connector.auth_failed',
    '503': 'connector.unavailable',
  };
  it('covers every code the fake can return', () => expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(YIDUN_FAKE_CODES).sort()));
  it.each(Object.entries(EXPECTED))('code %s → %s', async (code, expected) => {
    fake.failNext('/v1/oneclick/check', code as YidunFakeCode);
    const e = await expectConnectorError(connector().handleMobile!(fake.issueTokens('13700000000')), expected);
    expect(e.vendorDetail).toContain(`yidun: ${code}`);
  });
});
