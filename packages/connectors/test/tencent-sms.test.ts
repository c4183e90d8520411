/**
 * Tencent Cloud SMS against a local fake of sms.tencentcloudapi.com. The fake re-derives the
 * TC3-HMAC-SHA256 signature with its own implementation from the headers the connector declared
 * in SignedHeaders (https://cloud.tencent.com/document/api/382/52072), checks the X-TC-* headers
 * and SendSms' required parameters, and answers with API 3.0 success / error bodies.
 */
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tencentSms } from '../src/index.js';
import { deadUrl, startFake, type FakeRequest, type FakeResponse } from './helpers/fake-server.js';
import { expectConnectorError, SAMPLE, testDeps } from './helpers/deps.js';

const SECRETS: Record<string, string> = { AKIDtestSecretId0000000000000000: 'testSecretKeyValue0000000000' };
const REQUEST_ID = 'a0aabda6-cf91-4f3e-a81f-9198114a2279';

// ---- independent implementation ----
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const mac = (key: string | Buffer, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();
function verifyTc3(req: FakeRequest): 'ok' | 'AuthFailure.SecretIdNotFound' | 'AuthFailure.SignatureFailure' | 'AuthFailure.SignatureExpire' | 'AuthFailure.InvalidAuthorization' {
  const auth = String(req.headers['authorization'] ?? '');
  const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d\d-\d\d)\/([a-z]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return 'AuthFailure.InvalidAuthorization';
  const [, secretId, date, service, signedHeaders, signature] = m as unknown as string[];
  const secret = SECRETS[secretId!];
  if (!secret) return 'AuthFailure.SecretIdNotFound';
  const ts = Number(req.headers['x-tc-timestamp']);
  if (!Number.isInteger(ts) || Math.abs(ts - Date.now() / 1000) > 300) return 'AuthFailure.SignatureExpire';
  if (new Date(ts * 1000).toISOString().slice(0, 10) !== date || service !== 'sms') return 'AuthFailure.SignatureFailure';
  const names = signedHeaders!.split(';');
  if (!names.includes('host') || !names.includes('content-type')) return 'AuthFailure.SignatureFailure';
  const canonicalHeaders = names.map((n) => `${n}:${String(req.headers[n] ?? '').trim().toLowerCase()}\n`).join('');
  const canonicalRequest = `POST\n/\n\n${canonicalHeaders}\n${signedHeaders}\n${sha256(req.body)}`;
  const stringToSign = `TC3-HMAC-SHA256\n${ts}\n${date}/${service}/tc3_request\n${sha256(canonicalRequest)}`;
  const key = mac(mac(mac(`TC3${secret}`, date!), service!), 'tc3_request');
  return mac(key, stringToSign).toString('hex') === signature ? 'ok' : 'AuthFailure.SignatureFailure';
}

// ---- the fake ----
let scenario: { error?: [string, string]; status?: [string, string]; raw?: [number, string] } = {};
const error = (Code: string, Message: string): FakeResponse => ({ status: 200, body: JSON.stringify({ Response: { Error: { Code, Message }, RequestId: REQUEST_ID } }) });

function smsApi(req: FakeRequest): FakeResponse {
  if (scenario.raw) return { status: scenario.raw[0], body: scenario.raw[1], contentType: 'text/html' };
  if (req.headers['x-tc-action'] !== 'SendSms') return error('InvalidAction', 'The action requested was invalid.');
  if (req.headers['x-tc-version'] !== '2021-01-11') return error('NoSuchVersion', 'The requested version does not exist.');
  if (!req.headers['x-tc-region']) return error('MissingParameter', 'The request is missing a required parameter `Region`.');
  const verdict = verifyTc3(req);
  if (verdict !== 'ok') {
    const messages: Record<string, string> = {
      'AuthFailure.SecretIdNotFound': 'The SecretId is not found, please ensure that your SecretId is correct.',
      'AuthFailure.SignatureFailure': 'The provided credentials could not be validated. Please check your signature is correct.',
      'AuthFailure.SignatureExpire': 'Signature expired. Timestamp and server time cannot differ by more than 5 minutes.',
      'AuthFailure.InvalidAuthorization': 'Authorization in the request header is invalid.',
    };
    return error(verdict, messages[verdict]!);
  }
  const body = JSON.parse(req.body) as Record<string, unknown>;
  for (const name of ['PhoneNumberSet', 'SmsSdkAppId', 'TemplateId']) {
    if (body[name] === undefined) return error('MissingParameter', `The request is missing a required parameter \`${name}\`.`);
  }
  const phones = body['PhoneNumberSet'] as string[];
  if (phones.some((p) => p.startsWith('+86')) && !body['SignName']) return error('FailedOperation.MissingSignature', 'signature is required for domestic sms.');
  if (scenario.error) return error(...scenario.error);
  return {
    status: 200,
    body: JSON.stringify({
      Response: {
        SendStatusSet: phones.map((PhoneNumber) => {
          const bad = !/^\+\d{7,15}$/.test(PhoneNumber);
          const [Code, Message] = bad ? ['InvalidParameterValue.IncorrectPhoneNumber', 'invalid mobile number'] : scenario.status ?? ['Ok', 'send success'];
          const ok = Code === 'Ok';
          return { SerialNo: ok ? '5000:1045710669157053657849499619' : '', PhoneNumber, Fee: ok ? 1 : 0, SessionContext: '', Code, Message, IsoCode: 'CN' };
        }),
        RequestId: REQUEST_ID,
      },
    }),
  };
}

describe('tencent-sms connector against the fake', () => {
  let fake: Awaited<ReturnType<typeof startFake>>;
  const config = () => ({
    secretId: 'AKIDtestSecretId0000000000000000',
    secretKey: 'testSecretKeyValue0000000000',
    sdkAppId: '1400006666',
    signName: '门房测试',
    templates: { CHANNEL_LOGIN: '449739' },
    templateParamNames: ['code', 'ttlMinutes'],
    endpoint: fake.url,
  });
  beforeAll(async () => {
    fake = await startFake(smsApi);
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    scenario = {};
  });

  it('sends a TC3-signed SendSms and returns the SerialNo', async () => {
    const res = await tencentSms.create(config(), testDeps()).sendSms(SAMPLE);
    expect(res.messageId).toBe('5000:1045710669157053657849499619');
    const req = fake.requests.at(-1)!;
    expect(JSON.parse(req.body)).toEqual({
      PhoneNumberSet: ['+8613800138000'],
      SmsSdkAppId: '1400006666',
      SignName: '门房测试',
      TemplateId: '449739',
      TemplateParamSet: ['123456', '5'],
    });
    expect(req.headers['x-tc-region']).toBe('ap-guangzhou');
  });

  it('maps a wrong key, an unknown SecretId and an expired timestamp to auth_failed', async () => {
    const e = await expectConnectorError(tencentSms.create({ ...config(), secretKey: 'nope' }, testDeps()).sendSms(SAMPLE), 'connector.auth_failed');
    expect(e.vendorDetail).toContain('AuthFailure.SignatureFailure');
    await expectConnectorError(tencentSms.create({ ...config(), secretId: 'AKIDunknown' }, testDeps()).sendSms(SAMPLE), 'connector.auth_failed');
    await expectConnectorError(tencentSms.create(config(), testDeps(new Date(Date.now() - 600_000))).sendSms(SAMPLE), 'connector.auth_failed');
  });

  it.each([
    ['FailedOperation.TemplateIncorrectOrUnapproved', 'template is not approved or request content does not match the approved template content.', 'connector.template_error'],
    ['FailedOperation.SignatureIncorrectOrUnapproved', 'signature is not approved or signature information is incorrect.', 'connector.template_error'],
    ['FailedOperation.InsufficientBalanceInSmsPackage', 'the package balance is insufficient.', 'connector.insufficient_balance'],
    ['LimitExceeded.PhoneNumberDailyLimit', 'the number of sms messages sent from a single mobile number every day exceeds the upper limit.', 'connector.rate_limited'],
    ['RequestLimitExceeded', 'Your current request is too frequent, please try again later.', 'connector.rate_limited'],
    ['InternalError.Timeout', 'request timed out.', 'connector.unavailable'],
  ] as const)('maps Response.Error %s to %s', async (code, message, expected) => {
    scenario = { error: [code, message] };
    await expectConnectorError(tencentSms.create(config(), testDeps()).sendSms(SAMPLE), expected);
  });

  it.each([
    ['LimitExceeded.PhoneNumberThirtySecondLimit', 'the number of sms messages sent from a single mobile number within 30 seconds exceeds the upper limit', 'connector.rate_limited'],
    ['FailedOperation.PhoneNumberInBlacklist', 'the mobile number is in the blocklist', 'connector.invalid_recipient'],
  ] as const)('maps SendStatusSet %s to %s', async (code, message, expected) => {
    scenario = { status: [code, message] };
    await expectConnectorError(tencentSms.create(config(), testDeps()).sendSms(SAMPLE), expected);
  });

  it('maps an incorrect number (per-number status) to invalid_recipient', async () => {
    await expectConnectorError(tencentSms.create(config(), testDeps()).sendSms({ ...SAMPLE, phone: '+86 abc' }), 'connector.invalid_recipient');
  });

  it('maps a missing sign name for a mainland number to template_error', async () => {
    await expectConnectorError(tencentSms.create({ ...config(), signName: '' }, testDeps()).sendSms(SAMPLE), 'connector.template_error');
  });

  it('maps 502 and a dead endpoint to unavailable (retryable)', async () => {
    scenario = { raw: [502, '<html>502 Bad Gateway</html>'] };
    expect((await expectConnectorError(tencentSms.create(config(), testDeps()).sendSms(SAMPLE), 'connector.unavailable')).retryable).toBe(true);
    scenario = {};
    await expectConnectorError(tencentSms.create({ ...config(), endpoint: await deadUrl() }, testDeps()).sendSms(SAMPLE), 'connector.unavailable');
  });
});
