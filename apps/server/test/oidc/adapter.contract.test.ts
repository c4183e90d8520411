import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { createKvAdapterFactory, JWT_VALUE_DIGEST, revocationMarks, sha256 } from '../../src/oidc/adapter.js';
import { createJwtVerifier, privateClaimsOf } from '../../src/oidc/jwt-access-tokens.js';
import { scopedKv } from '../../src/storage/kv/scoped.js';
import type { KvStore } from '../../src/storage/kv/types.js';
import { kvBackends, type KvSubject } from '../support/kv-backends.js';

/**
 * The oidc-provider storage adapter contract (the methods oidc-provider calls, with its
 * semantics), run on every KV backend Gatehouse supports: memory, the SQL `kv` table on SQLite
 * and PostgreSQL, and Redis (design §6: every backend passes the same suite).
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const id = (label = 'x') => `${label}-${randomBytes(8).toString('base64url')}`;
const now = () => Math.floor(Date.now() / 1000);

type Subject = KvSubject;

function adapterContract(name: string, open: () => Promise<Subject>, skip = false) {
  describe.skipIf(skip)(`oidc adapter contract: ${name}`, () => {
    let subject: Subject;
    let factory: ReturnType<typeof createKvAdapterFactory>;
    let other: ReturnType<typeof createKvAdapterFactory>;
    let poolKv: KvStore;
    beforeAll(async () => {
      subject = await open();
      const pool = id('pool');
      poolKv = scopedKv(subject.kv, pool);
      factory = createKvAdapterFactory(poolKv);
      other = createKvAdapterFactory(scopedKv(subject.kv, id('pool')));
    });
    afterAll(async () => subject?.teardown());

    it('upsert / find round-trip; unknown ids and silly ids are undefined', async () => {
      const a = factory('AccessToken');
      const jti = id();
      const payload = { jti, kind: 'AccessToken', accountId: 'u1', clientId: 'c1', grantId: id('g'), iat: now(), exp: now() + 60, scope: 'openid' };
      await a.upsert(jti, payload, 60);
      expect(await a.find(jti)).toEqual(payload);
      expect(await a.find(id())).toBeUndefined();
      expect(await a.find('')).toBeUndefined();
      expect(await a.find('x'.repeat(5000))).toBeUndefined();
      // Upsert overwrites.
      await a.upsert(jti, { ...payload, scope: 'openid email' }, 60);
      expect((await a.find(jti))?.scope).toBe('openid email');
      // Models do not share a key space.
      expect(await factory('RefreshToken').find(jti)).toBeUndefined();
    });

    it('pools are isolated: a record of one pool does not exist in another', async () => {
      const jti = id();
      await factory('AuthorizationCode').upsert(jti, { jti, kind: 'AuthorizationCode', iat: now() }, 60);
      expect(await factory('AuthorizationCode').find(jti)).toBeDefined();
      expect(await other('AuthorizationCode').find(jti)).toBeUndefined();
      await expect(other('AuthorizationCode').consume(jti)).resolves.toBeUndefined();
      expect((await factory('AuthorizationCode').find(jti))?.consumed).toBeUndefined();
    });

    it('expiry: a record is gone after its expiresIn (seconds)', async () => {
      const s = factory('Session');
      const sid = id();
      const uid = id('uid');
      await s.upsert(sid, { jti: sid, uid, kind: 'Session', iat: now() }, 1);
      expect(await s.find(sid)).toBeDefined();
      expect(await s.findByUid(uid)).toBeDefined();
      await sleep(1300);
      expect(await s.find(sid)).toBeUndefined();
      expect(await s.findByUid(uid)).toBeUndefined();
    });

    it('consume: marks the record consumed; a second consume fails with invalid_grant and revokes the grant', async () => {
      const code = factory('AuthorizationCode');
      const at = factory('AccessToken');
      const grantId = id('g');
      const jti = id();
      const atJti = id();
      await code.upsert(jti, { jti, kind: 'AuthorizationCode', grantId, accountId: 'u1', iat: now() }, 60);
      await at.upsert(atJti, { jti: atJti, kind: 'AccessToken', grantId, accountId: 'u1', iat: now() }, 60);
      await code.consume(jti);
      const found = await code.find(jti);
      expect(typeof found?.consumed).toBe('number');
      await expect(code.consume(jti)).rejects.toMatchObject({ error: 'invalid_grant' });
      expect(await at.find(atJti)).toBeUndefined();
      expect(await code.find(jti)).toBeUndefined();
    });

    it('consume is atomic: of parallel consumers exactly one wins', async () => {
      const rt = factory('RefreshToken');
      const jti = id();
      await rt.upsert(jti, { jti, kind: 'RefreshToken', grantId: id('g'), iat: now() }, 60);
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => rt.consume(jti)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    });

    it('destroy: removes the record and its uid / userCode index', async () => {
      const s = factory('Session');
      const sid = id();
      const uid = id('uid');
      await s.upsert(sid, { jti: sid, uid, kind: 'Session', iat: now() }, 60);
      expect((await s.findByUid(uid))?.jti).toBe(sid);
      await s.destroy(sid);
      expect(await s.find(sid)).toBeUndefined();
      expect(await s.findByUid(uid)).toBeUndefined();
      await expect(s.destroy(sid)).resolves.toBeUndefined(); // idempotent

      const d = factory('DeviceCode');
      const dj = id();
      const userCode = 'ABCD-EFGH'.replace(/[A-H]/g, () => String.fromCharCode(66 + Math.floor(Math.random() * 20)));
      await d.upsert(dj, { jti: dj, kind: 'DeviceCode', userCode, iat: now() }, 60);
      expect((await d.findByUserCode(userCode))?.jti).toBe(dj);
      await d.destroy(dj);
      expect(await d.findByUserCode(userCode)).toBeUndefined();
    });

    it('findByUid / findByUserCode return undefined for unknown values', async () => {
      expect(await factory('Session').findByUid(id())).toBeUndefined();
      expect(await factory('DeviceCode').findByUserCode(id())).toBeUndefined();
    });

    it('revokeByGrantId: the grant’s tokens stored so far are gone; the grant, other grants and later tokens stay', async () => {
      const grantId = id('g');
      const otherGrant = id('g');
      const grant = factory('Grant');
      await grant.upsert(grantId, { jti: grantId, kind: 'Grant', accountId: 'u2', clientId: 'c1', iat: now() }, 600);
      const models = ['AccessToken', 'RefreshToken', 'AuthorizationCode', 'DeviceCode', 'ClientCredentials'];
      const mine: [string, string][] = [];
      for (const m of models) {
        const j = id();
        await factory(m).upsert(j, { jti: j, kind: m, grantId, iat: now() }, 60);
        mine.push([m, j]);
      }
      const keep = id();
      await factory('AccessToken').upsert(keep, { jti: keep, kind: 'AccessToken', grantId: otherGrant, iat: now() }, 60);
      await sleep(2);
      await factory('AccessToken').revokeByGrantId(grantId);
      await sleep(2);
      for (const [m, j] of mine) expect(await factory(m).find(j), m).toBeUndefined();
      expect(await factory('AccessToken').find(keep)).toBeDefined();
      expect(await grant.find(grantId)).toBeDefined();
      // The same grant issuing again (SSO after a revoked token) works, even within the same second.
      const later = id();
      await factory('AccessToken').upsert(later, { jti: later, kind: 'AccessToken', grantId, iat: now() }, 60);
      expect(await factory('AccessToken').find(later)).toBeDefined();
    });

    it('destroying a Grant kills it and every token of it', async () => {
      const grantId = id('g');
      const grant = factory('Grant');
      await grant.upsert(grantId, { jti: grantId, kind: 'Grant', accountId: 'u3', iat: now() }, 600);
      const j = id();
      await factory('RefreshToken').upsert(j, { jti: j, kind: 'RefreshToken', grantId, iat: now() }, 60);
      await grant.destroy(grantId);
      expect(await grant.find(grantId)).toBeUndefined();
      expect(await factory('RefreshToken').find(j)).toBeUndefined();
      const after = id();
      await factory('AccessToken').upsert(after, { jti: after, kind: 'AccessToken', grantId, iat: now() }, 60);
      expect(await factory('AccessToken').find(after)).toBeUndefined();
    });

    it('account revocation: every record of the account stored until then is gone, later ones are not; re-saves keep their first time', async () => {
      const marks = revocationMarks(poolKv);
      const acc = id('acct');
      const sid = id();
      const j = id();
      await factory('Session').upsert(sid, { jti: sid, kind: 'Session', accountId: acc, iat: now() }, 60);
      await factory('RefreshToken').upsert(j, { jti: j, kind: 'RefreshToken', accountId: acc, grantId: id('g'), iat: now() }, 60);
      await sleep(2);
      await marks.revokeAccount(acc);
      await sleep(2);
      // A re-save of the old session (e.g. by a request already in flight) does not resurrect it.
      await factory('Session').upsert(sid, { jti: sid, kind: 'Session', accountId: acc, iat: now() }, 60);
      expect(await factory('Session').find(sid)).toBeUndefined();
      expect(await factory('RefreshToken').find(j)).toBeUndefined();
      const fresh = id();
      await factory('Session').upsert(fresh, { jti: fresh, kind: 'Session', accountId: acc, iat: now() }, 60);
      expect(await factory('Session').find(fresh)).toBeDefined();
    });

    it('JWT access tokens are not stored: verified with the pool key, then the deny-list and tombstones decide', async () => {
      const issuer = 'https://id.example/oidc';
      const mk = async (kid: string) => {
        const { privateKey } = await generateKeyPair('ES256', { extractable: true });
        return { privateKey, jwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' } as JWK };
      };
      const mine = await mk('k1');
      const foreign = await mk('k1'); // same kid, another key (another pool or an attacker)
      const f = createKvAdapterFactory(poolKv, { jwt: createJwtVerifier({ issuer, audience: issuer, keys: [mine.jwk] }) });
      const grantId = id('g');
      const sign = (o: { key?: Parameters<SignJWT['sign']>[0]; typ?: string; aud?: string; kind?: string; exp?: number; t?: number; gh?: boolean } = {}) =>
        new SignJWT({ client_id: 'c1', scope: 'openid', ...(o.gh === false ? {} : { gh: privateClaimsOf({ kind: o.kind ?? 'AccessToken', grantId, sid: 's1' }, o.t) }) })
          .setProtectedHeader({ alg: 'ES256', typ: o.typ ?? 'at+jwt', kid: 'k1' })
          .setJti(id('jti'))
          .setSubject('u9')
          .setIssuer(issuer)
          .setAudience(o.aud ?? issuer)
          .setIssuedAt()
          .setExpirationTime(o.exp ?? now() + 600)
          .sign(o.key ?? mine.privateKey);
      const good = await sign();
      const found = await f('AccessToken').find(good);
      expect(found).toMatchObject({ kind: 'AccessToken', accountId: 'u9', clientId: 'c1', grantId, sid: 's1', scope: 'openid', aud: issuer });
      // Nothing was read from or written to storage for it, so it is found on a second adapter (node) too.
      expect(await createKvAdapterFactory(poolKv, { jwt: createJwtVerifier({ issuer, audience: issuer, keys: [mine.jwk] }) })('AccessToken').find(good)).toBeDefined();
      // Refused: another key, another type (an ID token of the same key), another audience, expired,
      // no private claim (not ours), the other model, no verifier (another pool), by jti alone.
      for (const bad of [await sign({ key: foreign.privateKey }), await sign({ typ: 'JWT' }), await sign({ aud: 'https://api.example' }), await sign({ exp: now() - 1 })]) {
        expect(await f('AccessToken').find(bad)).toBeUndefined();
      }
      expect(await f('AccessToken').find(await sign({ gh: false }))).toBeUndefined();
      expect(await f('ClientCredentials').find(good)).toBeUndefined();
      expect(await f('AccessToken').find(await sign({ kind: 'ClientCredentials' }))).toBeUndefined();
      expect(await f('ClientCredentials').find(await sign({ kind: 'ClientCredentials' }))).toBeDefined();
      expect(await createKvAdapterFactory(poolKv)('AccessToken').find(good)).toBeUndefined();
      expect(await f('AccessToken').find(found!.jti as string)).toBeUndefined();
      const [h, p] = good.split('.');
      expect(await f('AccessToken').find(`${h}.${p}.${Buffer.alloc(64).toString('base64url')}`)).toBeUndefined();

      // Revoked by jti (deny-list, until the token's expiry) ...
      await f('AccessToken').destroy(found!.jti as string, found!.exp as number);
      expect(await f('AccessToken').find(good)).toBeUndefined();
      // ... by its grant's tombstone (tokens minted until then) ...
      const second = await sign();
      expect(await f('AccessToken').find(second)).toBeDefined();
      await sleep(2);
      await f('AccessToken').revokeByGrantId(grantId);
      expect(await f('AccessToken').find(second)).toBeUndefined();
      const after = await sign({ t: Date.now() + 5 });
      expect(await f('AccessToken').find(after)).toBeDefined();
      // ... and by the account's.
      await sleep(10);
      await revocationMarks(poolKv).revokeAccount('u9');
      expect(await f('AccessToken').find(after)).toBeUndefined();
    });

    it('JWT access tokens minted before they went unstored are found only by their exact value, never by the jti alone', async () => {
      const a = factory('AccessToken');
      const jti = id();
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const jwt = `${b64({ alg: 'ES256', typ: 'at+jwt' })}.${b64({ jti, sub: 'u1' })}.c2ln`;
      await a.upsert(jti, { jti, kind: 'AccessToken', iat: now(), [JWT_VALUE_DIGEST]: sha256(jwt) }, 60);
      const found = await a.find(jwt);
      expect(found?.jti).toBe(jti);
      expect(found?.[JWT_VALUE_DIGEST]).toBeUndefined();
      expect(await a.find(jti)).toBeUndefined();
      const forged = `${b64({ alg: 'none' })}.${b64({ jti, sub: 'u1' })}.`;
      expect(await a.find(forged)).toBeUndefined();
      expect(await a.find(`${b64({ alg: 'ES256' })}.${b64({ jti, sub: 'u1' })}.b3RoZXI`)).toBeUndefined();
      expect(await a.find('not.a.jwt')).toBeUndefined();
    });

    it('special models are delegated (Client comes from the applications)', async () => {
      const client = { find: async (cid: string) => (cid === 'app1' ? { client_id: 'app1' } : undefined) } as never;
      const f = createKvAdapterFactory(poolKv, { special: { Client: client } });
      expect(await f('Client').find('app1')).toEqual({ client_id: 'app1' });
      expect(await f('Client').find('app2')).toBeUndefined();
    });
  });
}

for (const backend of await kvBackends()) adapterContract(backend.name, backend.open, backend.skip);
