import { describe, expect, it } from 'vitest';
import { authClient, startServer } from '../support/server.js';
import { postgresAvailable } from '../support/services.js';
import { captureLog, ok } from './support.js';

/** The same code sign-in on PostgreSQL: migration 0004, the outbox and the SQL KV there. */
const hasPg = await postgresAvailable();

describe.skipIf(!hasPg)('passcodes on PostgreSQL', () => {
  it('sends through the outbox and signs in with the code', async () => {
    const log = captureLog();
    const s = await startServer({ db: 'postgres', logger: log.logger, config: { emailProvider: 'console' } });
    try {
      await s.container.services.applications.update(s.poolId, s.defaultAppId, { redirectUris: ['https://app.example/cb'] });
      const c = authClient({ appId: s.defaultAppId, appSecret: await s.container.services.applications.getSecret(s.poolId, s.defaultAppId), host: s.url });
      await s.container.services.users.create(s.poolId, { email: 'pg.code@example.com' });
      ok(await c.sendEmail({ email: 'pg.code@example.com', channel: 'CHANNEL_LOGIN' as never }));
      ok(await c.signInByEmailPassCode({ email: 'pg.code@example.com', passCode: log.lastCode('pg.code@example.com') }));
      const row = await s.container.db.db.selectFrom('message_outbox').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'sent', attempts: 1, payload_enc: '' });
      expect(typeof row.expires_at).toBe('number');
    } finally {
      await s.close();
    }
  });
});
