/**
 * Chuanglan 253 against a local fake of `/msg/send/json`: the fake checks account/password,
 * the JSON fields and the 【signature】, and answers with 253's {code, msgId, time, errorMsg}
 * bodies and status codes (253云通讯 PaaS 短信云接口说明, JSON 版).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chuanglan } from '../src/index.js';
import { deadUrl, startFake, type FakeRequest, type FakeResponse } from './helpers/fake-server.js';
import { expectConnectorError, SAMPLE, testDeps } from './helpers/deps.js';

let scenario: [code: string, errorMsg: string] | [status: number] | undefined;
const answer = (code: string, errorMsg: string, msgId = ''): FakeResponse => ({ status: 200, body: JSON.stringify({ code, msgId, time: '20250101120000', errorMsg }) });

function cl253(req: FakeRequest): FakeResponse {
  if (scenario && scenario.length === 1) return { status: scenario[0], body: '<html>Bad Gateway</html>', contentType: 'text/html' };
  if (req.path !== '/msg/send/json' || !String(req.headers['content-type']).startsWith('application/json')) return answer('129', 'JSON格式错误');
  let b: Record<string, unknown>;
  try {
    b = JSON.parse(req.body) as Record<string, unknown>;
  } catch {
    return answer('129', 'JSON格式错误');
  }
  if (b['account'] !== 'N1234567') return answer('101', '无此用户');
  if (b['password'] !== 'test-api-password') return answer('102', '密码错');
  if (typeof b['msg'] !== 'string' || !b['msg'] || typeof b['phone'] !== 'string') return answer('130', '请求参数错误');
  if (!/^【[^】]+】/.test(b['msg'])) return answer('116', '签名不合法，未带签名');
  if (!/^1\d{10}$/.test(b['phone'])) return answer('107', '包含错误的手机号码');
  if (scenario) return answer(...scenario);
  return answer('0', '', '17041010383624511');
}

describe('chuanglan connector against the fake', () => {
  let fake: Awaited<ReturnType<typeof startFake>>;
  const config = () => ({ account: 'N1234567', password: 'test-api-password', signName: '门房', endpoint: `${fake.url}/msg/send/json` });
  beforeAll(async () => {
    fake = await startFake(cl253);
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    scenario = undefined;
  });

  it('submits the signed text and returns the msgId', async () => {
    expect((await chuanglan.create(config(), testDeps()).sendSms(SAMPLE)).messageId).toBe('17041010383624511');
    const b = JSON.parse(fake.requests.at(-1)!.body);
    expect(b).toEqual({ account: 'N1234567', password: 'test-api-password', msg: `【门房】${SAMPLE.text}`, phone: '13800138000', report: 'true' });
  });

  it('maps 102 (wrong password) to auth_failed', async () => {
    await expectConnectorError(chuanglan.create({ ...config(), password: 'x' }, testDeps()).sendSms(SAMPLE), 'connector.auth_failed');
  });

  it('maps 107 (bad number) to invalid_recipient and refuses non-mainland numbers locally', async () => {
    await expectConnectorError(chuanglan.create(config(), testDeps()).sendSms({ ...SAMPLE, phone: '+86138001380' }), 'connector.invalid_recipient');
    const before = fake.requests.length;
    await expectConnectorError(chuanglan.create(config(), testDeps()).sendSms({ ...SAMPLE, phone: '+14155550123' }), 'connector.invalid_recipient');
    expect(fake.requests.length).toBe(before);
  });

  it.each([
    [['103', '提交过快'], 'connector.rate_limited'],
    [['104', '系统忙'], 'connector.unavailable'],
    [['105', '敏感短信'], 'connector.template_error'],
    [['109', '无发送额度'], 'connector.insufficient_balance'],
    [['117', 'IP地址认证错'], 'connector.auth_failed'],
    [['999', '未知'], 'connector.rejected'],
  ] as const)('maps %j to %s', async (s, expected) => {
    scenario = [...s];
    await expectConnectorError(chuanglan.create(config(), testDeps()).sendSms(SAMPLE), expected);
  });

  it('maps 502 and a dead endpoint to unavailable', async () => {
    scenario = [502];
    await expectConnectorError(chuanglan.create(config(), testDeps()).sendSms(SAMPLE), 'connector.unavailable');
    await expectConnectorError(chuanglan.create({ ...config(), endpoint: await deadUrl() }, testDeps()).sendSms(SAMPLE), 'connector.unavailable');
  });
});
