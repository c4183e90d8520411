import { describe, expect, it } from 'vitest';
import { consoleEmail, consoleSms, emailConnectors, getEmailConnectorFactory, getSmsConnectorFactory, smsConnectors } from '../src/index.js';
import { SAMPLE, testDeps } from './helpers/deps.js';

describe('console connectors', () => {
  it('warn when created and log the SMS recipient and text with the code', async () => {
    const deps = testDeps();
    const c = consoleSms.create({}, deps);
    expect(deps.logs[0]).toMatchObject({ level: 'warn' });
    await c.sendSms(SAMPLE);
    const line = deps.logs[1]!;
    expect(line.level).toBe('info');
    expect(line.obj).toMatchObject({ to: SAMPLE.phone, channel: 'CHANNEL_LOGIN' });
    expect(line.msg).toContain(SAMPLE.phone);
    expect(line.msg).toContain('123456');
  });

  it('log the email recipient, subject and text', async () => {
    const deps = testDeps();
    const res = await consoleEmail.create({}, deps).sendEmail({ to: 'ada@example.com', channel: 'CHANNEL_LOGIN', subject: 'Your code', text: 'Code 654321', variables: {} });
    expect(res.messageId).toMatch(/^console-email-/);
    expect(deps.logs.at(-1)!.msg).toContain('ada@example.com');
    expect(deps.logs.at(-1)!.msg).toContain('654321');
  });
});

describe('registry', () => {
  it('lists the factories by id', () => {
    expect(Object.keys(smsConnectors).sort()).toEqual(['aliyun-sms', 'aws-sns', 'chuanglan', 'console', 'tencent-sms', 'twilio']);
    expect(Object.keys(emailConnectors).sort()).toEqual(['console', 'smtp']);
    expect(getSmsConnectorFactory('twilio')?.manifest.kind).toBe('sms');
    expect(getEmailConnectorFactory('smtp')?.manifest.secretFields).toEqual(['password']);
    expect(getSmsConnectorFactory('toString')).toBeUndefined();
  });
  it('every manifest names its secrets, and they exist in its schema', () => {
    for (const f of [...Object.values(smsConnectors), ...Object.values(emailConnectors)]) {
      const props = (f.manifest.configSchema as unknown as { properties: Record<string, unknown> }).properties;
      for (const s of f.manifest.secretFields) expect(props, `${f.manifest.id}.${s}`).toHaveProperty(s);
    }
  });
});
