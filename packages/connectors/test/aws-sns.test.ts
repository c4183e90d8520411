/**
 * Amazon SNS against a local fake of the Query API. SigV4 is checked twice: the connector's
 * signer against AWS's published "get-vanilla" test vector, and every request by the fake with
 * its own SigV4 implementation (below). The fake checks Publish's parameters and answers with
 * SNS XML bodies (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
 */
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awsSns } from '../src/index.js';
import { sigV4Authorization } from '../src/aws-sns/sigv4.js';
import { deadUrl, startFake, type FakeRequest, type FakeResponse } from './helpers/fake-server.js';
import { expectConnectorError, SAMPLE, testDeps } from './helpers/deps.js';

describe('aws-sns SigV4', () => {
  it('matches the AWS SigV4 test suite "get-vanilla" vector', () => {
    const auth = sigV4Authorization({
      method: 'GET',
      url: new URL('https://example.amazonaws.com/'),
      headers: { Host: 'example.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' },
      payload: '',
      region: 'us-east-1',
      service: 'service',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      amzDate: '20150830T123600Z',
    });
    expect(auth).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });
  it('the fake verifier agrees with the same vector', () => {
    expect(independentSignature('GET', '/', '', { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' }, ['host', 'x-amz-date'], '', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20150830/us-east-1/service/aws4_request')).toBe(
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });
});

// ---- independent SigV4 ----
const hex = (s: string) => createHash('sha256').update(s).digest('hex');
const h = (k: string | Buffer, s: string) => createHmac('sha256', k).update(s).digest();
function independentSignature(method: string, path: string, query: string, headers: Record<string, string | string[] | undefined>, signed: string[], body: string, secret: string, scope: string): string {
  const amzDate = String(headers['x-amz-date']);
  const canonical = [method, path, query, signed.map((n) => `${n}:${String(headers[n]).trim()}\n`).join(''), signed.join(';'), hex(body)].join('\n');
  const [date, region, service] = scope.split('/') as [string, string, string];
  const key = h(h(h(h(`AWS4${secret}`, date), region), service), 'aws4_request');
  return h(key, `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${hex(canonical)}`).toString('hex');
}

// ---- the fake ----
const KEYS: Record<string, string> = { AKIAIOSFODNN7EXAMPLE: 'testSecretAccessKey/0000+EXAMPLE' };
let scenario: [status: number, code: string, message: string, type?: string] | undefined;
const xmlError = (status: number, code: string, message: string, type = 'Sender'): FakeResponse => ({
  status,
  contentType: 'text/xml',
  body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${code}</Code>\n    <Message>${message}</Message>\n  </Error>\n  <RequestId>8f1a5c2e-0000-4000-8000-000000000001</RequestId>\n</ErrorResponse>\n`,
});

function snsApi(req: FakeRequest): FakeResponse {
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8}\/[a-z0-9-]+\/sns\/aws4_request), SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(String(req.headers['authorization']));
  if (!m) return xmlError(400, 'IncompleteSignature', 'Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header.');
  const [, keyId, scope, signedHeaders, signature] = m as unknown as string[];
  const secret = KEYS[keyId!];
  if (!secret) return xmlError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  const signed = signedHeaders!.split(';');
  if (!signed.includes('host') || !signed.includes('x-amz-date')) return xmlError(403, 'SignatureDoesNotMatch', 'host and x-amz-date must be signed');
  if (independentSignature(req.method, '/', '', req.headers, signed, req.body, secret, scope!) !== signature) {
    return xmlError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
  }
  const d = String(req.headers['x-amz-date']);
  const when = Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(9, 11), +d.slice(11, 13), +d.slice(13, 15));
  if (Math.abs(when - Date.now()) > 15 * 60_000) return xmlError(403, 'SignatureDoesNotMatch', 'Signature expired: is now earlier than (… - 15 min.)');
  const form = new URLSearchParams(req.body);
  if (form.get('Action') !== 'Publish' || form.get('Version') !== '2010-03-31') return xmlError(400, 'InvalidAction', 'Could not find operation for version');
  if (!form.get('Message')) return xmlError(400, 'ValidationError', "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null");
  const phone = form.get('PhoneNumber');
  if (!phone) return xmlError(400, 'InvalidParameter', 'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
  if (scenario) return xmlError(...scenario);
  if (!/^\+[1-9]\d{6,14}$/.test(phone)) return xmlError(400, 'InvalidParameter', `Invalid parameter: PhoneNumber Reason: ${phone} is not valid to publish to`);
  return {
    status: 200,
    contentType: 'text/xml',
    body: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">\n  <PublishResult>\n    <MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId>\n  </PublishResult>\n  <ResponseMetadata>\n    <RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId>\n  </ResponseMetadata>\n</PublishResponse>\n`,
  };
}

describe('aws-sns connector against the fake', () => {
  let fake: Awaited<ReturnType<typeof startFake>>;
  const config = () => ({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'testSecretAccessKey/0000+EXAMPLE', region: 'us-east-1', endpoint: `${fake.url}/` });
  beforeAll(async () => {
    fake = await startFake(snsApi);
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    scenario = undefined;
  });

  it('publishes to a phone number with SMS attributes and returns the MessageId', async () => {
    const cfg = { ...config(), senderId: 'Gatehouse', templates: { CHANNEL_LOGIN: '1107160000000000001' }, entityId: '1101000000000000001' };
    const res = await awsSns.create(cfg, testDeps()).sendSms(SAMPLE);
    expect(res.messageId).toBe('567910cd-659e-55d4-8ccb-5aaf14679dc0');
    const form = Object.fromEntries(new URLSearchParams(fake.requests.at(-1)!.body));
    expect(form).toMatchObject({
      Action: 'Publish',
      Version: '2010-03-31',
      PhoneNumber: '+8613800138000',
      Message: SAMPLE.text,
      'MessageAttributes.entry.1.Name': 'AWS.SNS.SMS.SMSType',
      'MessageAttributes.entry.1.Value.StringValue': 'Transactional',
      'MessageAttributes.entry.2.Name': 'AWS.SNS.SMS.SenderID',
      'MessageAttributes.entry.2.Value.DataType': 'String',
      'MessageAttributes.entry.2.Value.StringValue': 'Gatehouse',
      'MessageAttributes.entry.3.Name': 'AWS.MM.SMS.TemplateId',
      'MessageAttributes.entry.4.Name': 'AWS.MM.SMS.EntityId',
    });
  });

  it('signs the session token for temporary credentials', async () => {
    await awsSns.create({ ...config(), sessionToken: 'FQoGZXIvYXdzEXAMPLETOKEN' }, testDeps()).sendSms(SAMPLE);
    const req = fake.requests.at(-1)!;
    expect(req.headers['x-amz-security-token']).toBe('FQoGZXIvYXdzEXAMPLETOKEN');
    expect(String(req.headers['authorization'])).toContain('x-amz-security-token');
  });

  it('maps SignatureDoesNotMatch, InvalidClientTokenId and a skewed clock to auth_failed', async () => {
    const e = await expectConnectorError(awsSns.create({ ...config(), secretAccessKey: 'wrong' }, testDeps()).sendSms(SAMPLE), 'connector.auth_failed');
    expect(e.vendorDetail).toContain('SignatureDoesNotMatch');
    await expectConnectorError(awsSns.create({ ...config(), accessKeyId: 'AKIAUNKNOWN' }, testDeps()).sendSms(SAMPLE), 'connector.auth_failed');
    await expectConnectorError(awsSns.create(config(), testDeps(new Date(Date.now() - 3_600_000))).sendSms(SAMPLE), 'connector.auth_failed');
  });

  it('maps InvalidParameter on PhoneNumber to invalid_recipient', async () => {
    await expectConnectorError(awsSns.create(config(), testDeps()).sendSms({ ...SAMPLE, phone: '+0999' }), 'connector.invalid_recipient');
  });

  it.each([
    [[400, 'Throttling', 'Rate exceeded'], 'connector.rate_limited'],
    [[403, 'AuthorizationError', 'User: arn:aws:iam::123456789012:user/gh is not authorized to perform: SNS:Publish'], 'connector.auth_failed'],
    [[400, 'InvalidParameter', 'Invalid parameter: MessageAttributes Reason: SenderID is invalid'], 'connector.invalid_config'],
    [[500, 'InternalError', 'An internal service error has occurred.', 'Receiver'], 'connector.unavailable'],
    [[400, 'KMSDisabled', 'The request was rejected because the specified customer master key (CMK) isn\'t enabled.'], 'connector.rejected'],
  ] as const)('maps %j to %s', async (s, expected) => {
    scenario = [...s];
    await expectConnectorError(awsSns.create(config(), testDeps()).sendSms(SAMPLE), expected);
  });

  it('maps a dead endpoint to unavailable (retryable)', async () => {
    expect((await expectConnectorError(awsSns.create({ ...config(), endpoint: await deadUrl() }, testDeps()).sendSms(SAMPLE), 'connector.unavailable')).retryable).toBe(true);
  });
});
