import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import type { Config } from '../../src/config/schema.js';
import { postgresAvailable, redisAvailable, REDIS_URL } from '../support/services.js';
import { Browser, startOidcServer, type OidcTestServer } from '../oidc/support.js';
import { connectSource, popupMessageOf, userCount } from './support.js';
import { startUpstreamOp, type IdTokenTamper, type UpstreamOp } from './upstream-op.js';

/**
 * ID-token validation of an `oidc` source, through the HTTP round trip, on SQLite and on
 * PostgreSQL + Redis. The upstream is a real oidc-provider whose token response the test
 * rewrites (OIDC Core §3.1.3.7): an ID token for another audience, with another nonce, signed
 * by a key the provider does not publish, expired, or from another issuer is refused with
 * `federation.invalid_token` (5000016) and creates no account; the state it came with is spent,
 * so replaying the callback is `federation.state_invalid` (5000012).
 */
const hasPg = await postgresAvailable();
const hasRedis = await redisAvailable();

function suite(label: string, opts: { db?: 'sqlite' | 'postgres'; config?: Partial<Config> }, skip: boolean) {
  describe.skipIf(skip)(`oidc source refuses a bad ID token on ${label}`, () => {
    let gh: OidcTestServer;
    let op: UpstreamOp;
    let mc: ManagementClient;
    let appId = '';
    const CALLBACK = () => `${gh.url}/connections/social/corp/callback`;

    beforeAll(async () => {
      gh = await startOidcServer({ db: opts.db, config: { outboundAllow: '127.0.0.1', ...opts.config } as never });
      op = await startUpstreamOp({
        clients: () => [{ client_id: 'gatehouse', client_secret: 'upstream-secret-0123456789', redirect_uris: [CALLBACK()], grant_types: ['authorization_code'], response_types: ['code'] }],
        // A fresh upstream user: were a bad token accepted, an account would be created.
        accounts: [{ sub: 'op-newcomer', email: 'newcomer@example.com', email_verified: true, name: 'Newcomer' }],
      });
      mc = gh.mgmt();
      ({ appId } = await connectSource(gh, mc, { type: 'oidc', identifier: 'corp', displayName: 'Corporate SSO', fields: { issuerUrl: op.issuer, clientId: 'gatehouse', clientSecret: 'upstream-secret-0123456789' } }));
    }, 90_000);
    afterAll(async () => {
      await op?.close();
      await gh?.close();
    });

    async function callbackUrl(b: Browser): Promise<string> {
      const { url } = await b.follow(`${gh.url}/connections/social/corp?app_id=${appId}`, CALLBACK());
      expect(url.startsWith(CALLBACK()), url).toBe(true);
      return url;
    }

    const now = () => Math.floor(Date.now() / 1000);
    it.each<[string, IdTokenTamper]>([
      ['for another audience', (c) => ({ claims: { ...c, aud: 'another-client' } })],
      ['with another nonce', (c) => ({ claims: { ...c, nonce: 'a-nonce-of-another-sign-in' } })],
      ['signed with a key the provider does not publish', (c) => ({ claims: c, rogue: true })],
      ['that expired', (c) => ({ claims: { ...c, iat: now() - 7200, exp: now() - 3600 } })],
      ['from another issuer', (c) => ({ claims: { ...c, iss: 'https://issuer.example' } })],
    ])('an ID token %s is refused with federation.invalid_token; no account; the callback cannot be replayed', async (_label, tamper) => {
      const before = await userCount(gh);
      const b = new Browser();
      const cb = await callbackUrl(b);
      op.state.tamper = tamper;
      const refused = await popupMessageOf(await b.fetch(cb));
      expect(op.state.tamper).toBeUndefined(); // the token endpoint was reached and its answer rewritten
      expect(refused).toMatchObject({ code: 401, apiCode: 5000016, message: 'federation.invalid_token', data: null });
      expect(await userCount(gh)).toBe(before);
      const html = await (await b.fetch(cb)).text();
      expect(html).toContain('federation.state_invalid');
      expect(await userCount(gh)).toBe(before);
    });

    it('the same round trip with the untouched token signs the newcomer in (the refusals above are the tampering)', async () => {
      const before = await userCount(gh);
      const b = new Browser();
      const ok = await popupMessageOf(await b.fetch(await callbackUrl(b)));
      expect(ok).toMatchObject({ code: 200, data: { email: 'newcomer@example.com' } });
      expect(await userCount(gh)).toBe(before + 1);
    });
  });
}

suite('SQLite', {}, false);
suite('PostgreSQL + Redis', { db: 'postgres', config: { redisUrl: REDIS_URL } }, !hasPg || !hasRedis);
