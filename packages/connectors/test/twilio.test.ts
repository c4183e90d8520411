/**
 * Twilio against a local fake of the Messages API: the fake checks the path, HTTP Basic
 * credentials, the form parameters Twilio requires, and answers with Twilio's JSON error bodies
 * (https://www.twilio.com/docs/usage/twilios-response, https://www.twilio.com/docs/api/errors).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { twilio } from '../src/index.js';
import { deadUrl, startFake, type FakeRequest, type FakeResponse } from './helpers/fake-server.js';
import { expectConnectorError, SAMPLE, testDeps } from './helpers/deps.js';

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'test-auth-token-0000';
const API_KEY = 'SK0123456789abcdef0123456789abcdef';
const API_SECRET = 'test-api-key-secret';
const MG = 'MG0123456789abcdef0123456789abcdef';

let scenario: [status: number, code: number, message: string] | [status: number, raw: string] | undefined;
const twilioError = (status: number, code: number, message: string): FakeResponse => ({
  status,
  body: JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }),
});

function messagesApi(req: FakeRequest): FakeResponse {
  const m = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(req.path);
  if (req.method !== 'POST' || !m) return twilioError(404, 20404, 'The requested resource was not found');
  const [user, pass] = Buffer.from(String(req.headers['authorization'] ?? '').replace(/^Basic /, ''), 'base64').toString().split(':');
  const valid = (user === ACCOUNT && pass === TOKEN) || (user === API_KEY && pass === API_SECRET);
  if (!valid || m[1] !== ACCOUNT) {
    return { status: 401, body: JSON.stringify({ code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 }) };
  }
  if (scenario && scenario.length === 2) return { status: scenario[0], body: scenario[1], contentType: 'text/html' };
  if (scenario) return twilioError(...scenario);
  const form = new URLSearchParams(req.body);
  const to = form.get('To');
  if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
  if (!form.get('From') && !form.get('MessagingServiceSid')) return twilioError(400, 21603, "A 'From' phone number is required.");
  if (!form.get('Body') && !form.get('ContentSid')) return twilioError(400, 21602, 'Message body is required.');
  if (!/^\+[1-9]\d{6,14}$/.test(to)) return twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
  return {
    status: 201,
    body: JSON.stringify({ sid: 'SM1f0e8ae6ade43cb3c0ce4525424e404f', account_sid: ACCOUNT, to, from: form.get('From'), body: form.get('Body'), status: 'queued', error_code: null, error_message: null, uri: `/2010-04-01/Accounts/${ACCOUNT}/Messages/SM1f0e8ae6ade43cb3c0ce4525424e404f.json` }),
  };
}

describe('twilio connector against the fake', () => {
  let fake: Awaited<ReturnType<typeof startFake>>;
  const config = () => ({ accountSid: ACCOUNT, authToken: TOKEN, from: '+15005550006', endpoint: fake.url });
  beforeAll(async () => {
    fake = await startFake(messagesApi);
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    scenario = undefined;
  });

  it('creates a message with To/From/Body and returns the SID', async () => {
    const res = await twilio.create(config(), testDeps()).sendSms({ ...SAMPLE, phone: '+14155550123' });
    expect(res.messageId).toBe('SM1f0e8ae6ade43cb3c0ce4525424e404f');
    const form = new URLSearchParams(fake.requests.at(-1)!.body);
    expect(Object.fromEntries(form)).toEqual({ To: '+14155550123', From: '+15005550006', Body: SAMPLE.text });
  });

  it('uses a Messaging Service, an API key and a Content template when configured', async () => {
    const cfg = { accountSid: ACCOUNT, authToken: API_SECRET, apiKeySid: API_KEY, messagingServiceSid: MG, endpoint: fake.url, templates: { CHANNEL_LOGIN: 'HX0123456789abcdef0123456789abcdef' } };
    await twilio.create(cfg, testDeps()).sendSms(SAMPLE);
    const form = new URLSearchParams(fake.requests.at(-1)!.body);
    expect(form.get('MessagingServiceSid')).toBe(MG);
    expect(form.get('ContentSid')).toBe('HX0123456789abcdef0123456789abcdef');
    expect(JSON.parse(form.get('ContentVariables')!)).toEqual({ 1: '123456' });
    expect(form.get('Body')).toBeNull();
  });

  it('maps 20003 (bad token) to auth_failed', async () => {
    await expectConnectorError(twilio.create({ ...config(), authToken: 'wrong' }, testDeps()).sendSms(SAMPLE), 'connector.auth_failed');
  });

  it('maps 21211 (invalid To) to invalid_recipient', async () => {
    const e = await expectConnectorError(twilio.create(config(), testDeps()).sendSms({ ...SAMPLE, phone: '+0123' }), 'connector.invalid_recipient');
    expect(e.vendorDetail).toContain('21211');
  });

  it.each([
    [[429, 20429, 'Too Many Requests'], 'connector.rate_limited'],
    [[400, 21610, 'Attempt to send to unsubscribed recipient'], 'connector.invalid_recipient'],
    [[400, 21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number"], 'connector.invalid_recipient'],
    [[400, 21606, "The 'From' phone number provided is not a valid message-capable Twilio phone number for this destination/account"], 'connector.invalid_config'],
    [[400, 21617, 'The concatenated message body exceeds the 1600 character limit'], 'connector.template_error'],
    [[400, 12345, 'Some future error'], 'connector.rejected'],
    [[500, 20500, 'An internal server error has occurred'], 'connector.unavailable'],
  ] as const)('maps %j to %s', async (s, expected) => {
    scenario = [...s];
    await expectConnectorError(twilio.create(config(), testDeps()).sendSms(SAMPLE), expected);
  });

  it('maps HTTP 429 without a body, 503 and a dead endpoint by status', async () => {
    scenario = [429, ''];
    await expectConnectorError(twilio.create(config(), testDeps()).sendSms(SAMPLE), 'connector.rate_limited');
    scenario = [503, '<html>Service Unavailable</html>'];
    expect((await expectConnectorError(twilio.create(config(), testDeps()).sendSms(SAMPLE), 'connector.unavailable')).retryable).toBe(true);
    await expectConnectorError(twilio.create({ ...config(), endpoint: await deadUrl() }, testDeps()).sendSms(SAMPLE), 'connector.unavailable');
  });

  it('requires a sender', () => {
    expect(() => twilio.create({ accountSid: ACCOUNT, authToken: TOKEN }, testDeps())).toThrow(/invalid_config/);
  });
});
