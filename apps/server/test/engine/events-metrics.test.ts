import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';

/** The audit log and the metrics subscribe to the same event service: a failed sign-in shows in both. */
describe('events feed the audit log and the metrics', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => s?.close());

  it('counts a failed sign-in as login:failed and records it with its reason', async () => {
    const secret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
    const c = authClient({ appId: s.defaultAppId, appSecret: secret, host: s.url });
    expect(await c.signInByEmailPassword({ email: 'nobody@example.com', password: 'whatever it is' })).toMatchObject({ apiCode: 2333 });
    const metrics = await fetch(`${s.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/gatehouse_events_total\{event="login:failed",result="failure"\} [1-9]/);
    const rows = await s.container.services.audit.list(s.poolId, 10, 'login:failed');
    expect(rows[0]).toMatchObject({ type: 'login:failed', result: 'failure' });
    expect(JSON.parse(rows[0]!.data)).toMatchObject({ method: 'password', reason: 'user.not_found', protocol: 'api' });
    // Never a password in an event.
    expect(rows[0]!.data).not.toContain('whatever it is');
  });
});
