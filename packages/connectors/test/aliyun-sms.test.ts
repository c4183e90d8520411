/**
 * Alibaba Cloud SMS against a local fake of dysmsapi. The fake recomputes the RPC signature with
 * its own implementation (below, not the connector's signer), checks the parameters SendSms
 * requires, and answers with Alibaba Cloud's success and error bodies.
 * Signature rules: https://help.aliyun.com/document_detail/315526.html
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aliyunSms } from '../src/index.js';
import { rpcSignature } from '../src/aliyun-sms/sign.js';
import { deadUrl, startFake, type FakeRequest, type FakeResponse } from './helpers/fake-server.js';
import { expectConnectorError, SAMPLE, testDeps } from './helpers/deps.js';

// ---- independent implementation of the documented algorithm ----
const UNRESERVED = /[A-Za-z0-9\-_.~]/;
function enc(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
function independentSignature(method: string, params: Map<string, string>, secret: string): string {
  const keys = [...params.keys()].filter((k) => k !== 'Signature').sort();
  const canonical = keys.map((k) => `${enc(k)}=${enc(params.get(k)!)}`).join('&');
  const toSign = `${method}&${enc('/')}&${enc(canonical)}`;
  return createHmac('sha1', `${secret}&`).update(toSign).digest('base64');
}
function parseForm(body: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const pair of body.split('&')) {
    const i = pair.indexOf('=');
    m.set(decodeURIComponent(pair.slice(0, i)), decodeURIComponent(pair.slice(i + 1)));
  }
  return m;
}

// Published examples of the signature docs (RPC doc: DescribeRegions; SMS doc: SendSms).
const DESCRIBE_REGIONS = {
  AccessKeyId: 'testid', Action: 'DescribeRegions', Format: 'XML', SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf', SignatureVersion: '1.0',
  Timestamp: '2016-02-23T12:46:24Z', Version: '2014-05-26',
};
const SEND_SMS_DOC = {
  AccessKeyId: 'testId', Action: 'SendSms', Format: 'XML', OutId: '123', PhoneNumbers: '15300000001',
  RegionId: 'cn-hangzhou', SignName: '阿里云短信测试专用', SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466', SignatureVersion: '1.0', TemplateCode: 'SMS_71390007',
  TemplateParam: '{"customer":"test"}', Timestamp: '2017-07-12T02:42:19Z', Version: '2017-05-25',
};

describe('aliyun-sms signature', () => {
  it('reproduces the published RPC signature examples', () => {
    expect(rpcSignature('GET', DESCRIBE_REGIONS, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
    expect(rpcSignature('GET', SEND_SMS_DOC, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
    // …and so does the fake's verifier, so it is a trustworthy judge.
    expect(independentSignature('GET', new Map(Object.entries(SEND_SMS_DOC)), 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });
});

// ---- the fake dysmsapi ----
const KEYS: Record<string, string> = { LTAI5tTestKeyId: 'test-secret-value' };
const REQUIRED = ['AccessKeyId', 'Action', 'Format', 'SignatureMethod', 'SignatureNonce', 'SignatureVersion', 'Timestamp', 'Version', 'Signature'];
const seenNonces = new Set<string>();
let scenario: { code: string; message: string } | { status: number; raw: string } | undefined;

const gatewayError = (status: number, Code: string, Message: string): FakeResponse => ({
  status,
  body: JSON.stringify({ RequestId: 'A1B2C3D4-0000-4000-8000-000000000001', HostId: 'dysmsapi.aliyuncs.com', Code, Message, Recommend: `https://api.aliyun.com/troubleshoot?q=${Code}&product=Dysmsapi` }),
});

function dysmsapi(req: FakeRequest): FakeResponse {
  if (req.method !== 'POST' || !String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
    return gatewayError(400, 'InvalidParameter', 'unexpected request shape');
  }
  const p = parseForm(req.body);
  for (const name of REQUIRED) if (!p.get(name)) return gatewayError(400, `Missing${name}`, `${name} is mandatory for this action.`);
  const secret = KEYS[p.get('AccessKeyId')!];
  if (!secret) return gatewayError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
  if (p.get('SignatureMethod') !== 'HMAC-SHA1' || p.get('SignatureVersion') !== '1.0') return gatewayError(400, 'InvalidSignatureMethod', 'Specified signature method is not supported.');
  if (independentSignature('POST', p, secret) !== p.get('Signature')) {
    return gatewayError(400, 'SignatureDoesNotMatch', 'Specified signature does not match our calculation.');
  }
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(p.get('Timestamp')!) || Math.abs(Date.parse(p.get('Timestamp')!) - Date.now()) > 15 * 60_000) {
    return gatewayError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
  }
  if (seenNonces.has(p.get('SignatureNonce')!)) return gatewayError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
  seenNonces.add(p.get('SignatureNonce')!);
  if (p.get('Action') !== 'SendSms' || p.get('Version') !== '2017-05-25') return gatewayError(400, 'InvalidAction.NotFound', 'Specified api is not found.');
  for (const name of ['PhoneNumbers', 'SignName', 'TemplateCode']) if (!p.get(name)) return gatewayError(400, `Missing${name}`, `${name} is mandatory for this action.`);
  const business = (Code: string, Message: string): FakeResponse => ({ status: 200, body: JSON.stringify({ Message, RequestId: 'A1B2C3D4-0000-4000-8000-000000000002', Code }) });
  try {
    JSON.parse(p.get('TemplateParam') ?? '{}');
  } catch {
    return business('isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
  }
  if (!/^(\d{11}|\d{7,15})$/.test(p.get('PhoneNumbers')!)) return business('isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
  if (scenario && 'raw' in scenario) return { status: scenario.status, body: scenario.raw, contentType: 'text/html' };
  if (scenario) return business(scenario.code, scenario.message);
  return { status: 200, body: JSON.stringify({ Message: 'OK', RequestId: 'A1B2C3D4-0000-4000-8000-000000000003', Code: 'OK', BizId: '900619746936498440^0' }) };
}

describe('aliyun-sms connector against the fake', () => {
  let fake: Awaited<ReturnType<typeof startFake>>;
  const config = () => ({
    accessKeyId: 'LTAI5tTestKeyId',
    accessKeySecret: 'test-secret-value',
    signName: '门房测试',
    templates: { CHANNEL_LOGIN: 'SMS_100000001', default: 'SMS_100000009' },
    templateParamNames: ['code'],
    endpoint: `${fake.url}/`,
  });
  beforeAll(async () => {
    fake = await startFake(dysmsapi);
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    scenario = undefined;
  });

  it('sends a signed SendSms and returns the BizId', async () => {
    const deps = testDeps();
    const res = await aliyunSms.create(config(), deps).sendSms(SAMPLE);
    expect(res.messageId).toBe('900619746936498440^0');
    const p = parseForm(fake.requests.at(-1)!.body);
    expect(p.get('PhoneNumbers')).toBe('13800138000');
    expect(p.get('SignName')).toBe('门房测试');
    expect(p.get('TemplateCode')).toBe('SMS_100000001');
    expect(JSON.parse(p.get('TemplateParam')!)).toEqual({ code: '123456' });
    expect(JSON.stringify(deps.logs)).not.toContain('test-secret-value');
  });

  it('uses the default template and international number format', async () => {
    await aliyunSms.create(config(), testDeps()).sendSms({ ...SAMPLE, phone: '91234567', phoneCountryCode: '+852', channel: 'CHANNEL_REGISTER' });
    const p = parseForm(fake.requests.at(-1)!.body);
    expect(p.get('PhoneNumbers')).toBe('85291234567');
    expect(p.get('TemplateCode')).toBe('SMS_100000009');
  });

  it('maps a wrong secret to auth_failed (SignatureDoesNotMatch) and an unknown key id too', async () => {
    await expectConnectorError(aliyunSms.create({ ...config(), accessKeySecret: 'wrong' }, testDeps()).sendSms(SAMPLE), 'connector.auth_failed');
    await expectConnectorError(aliyunSms.create({ ...config(), accessKeyId: 'LTAI5tUnknown' }, testDeps()).sendSms(SAMPLE), 'connector.auth_failed');
  });

  it('maps a clock far off to auth_failed (InvalidTimeStamp.Expired)', async () => {
    const err = await expectConnectorError(aliyunSms.create(config(), testDeps(new Date(Date.now() - 3_600_000))).sendSms(SAMPLE), 'connector.auth_failed');
    expect(err.vendorDetail).toContain('InvalidTimeStamp.Expired');
  });

  it.each([
    ['isv.BUSINESS_LIMIT_CONTROL', '触发分钟级流控Permits:1', 'connector.rate_limited', true],
    ['isv.MOBILE_NUMBER_ILLEGAL', '非法手机号', 'connector.invalid_recipient', false],
    ['isv.SMS_TEMPLATE_ILLEGAL', '该账号下找不到对应模板', 'connector.template_error', false],
    ['isv.SMS_SIGNATURE_ILLEGAL', '该账号下找不到对应签名', 'connector.template_error', false],
    ['isv.AMOUNT_NOT_ENOUGH', '账户余额不足', 'connector.insufficient_balance', false],
    ['isv.TEMPLATE_MISSING_PARAMETERS', '模板变量缺少对应参数值', 'connector.template_error', false],
    ['isp.SYSTEM_ERROR', 'isp.SYSTEM_ERROR', 'connector.unavailable', true],
    ['isv.SOMETHING_NEW', '未知', 'connector.rejected', false],
  ] as const)('maps %s to %s', async (code, message, expected, retryable) => {
    scenario = { code, message };
    const err = await expectConnectorError(aliyunSms.create(config(), testDeps()).sendSms(SAMPLE), expected);
    expect(err.retryable).toBe(retryable);
    expect(err.vendorDetail).toContain(code);
  });

  it('maps the fake rejecting a malformed number to invalid_recipient', async () => {
    await expectConnectorError(aliyunSms.create(config(), testDeps()).sendSms({ ...SAMPLE, phone: '+86123' }), 'connector.invalid_recipient');
  });

  it('maps a 5xx gateway page and a dead endpoint to unavailable (retryable)', async () => {
    scenario = { status: 503, raw: '<html>503 Service Temporarily Unavailable</html>' };
    const e1 = await expectConnectorError(aliyunSms.create(config(), testDeps()).sendSms(SAMPLE), 'connector.unavailable');
    expect(e1.retryable).toBe(true);
    const e2 = await expectConnectorError(aliyunSms.create({ ...config(), endpoint: await deadUrl() }, testDeps()).sendSms(SAMPLE), 'connector.unavailable');
    expect(e2.retryable).toBe(true);
  });

  it('refuses a channel without a template and bad config before any request', async () => {
    const before = fake.requests.length;
    await expectConnectorError(
      aliyunSms.create({ ...config(), templates: { CHANNEL_LOGIN: 'SMS_1' } }, testDeps()).sendSms({ ...SAMPLE, channel: 'CHANNEL_DELETE_ACCOUNT' }),
      'connector.invalid_config',
    );
    expect(() => aliyunSms.create({ accessKeyId: 'x' } as never, testDeps())).toThrow(/invalid_config/);
    expect(fake.requests.length).toBe(before);
  });
});
