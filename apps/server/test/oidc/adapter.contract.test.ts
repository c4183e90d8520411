import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { createKvAdapterFactory, JWT_VALUE_DIGEST, revocationMarks, sha256 } from '../../src/oidc/adapter.js';
import { createJwtVerifier, privateClaimsOf } from '../../src/oidc/jwt-access-tokens.js';
import { scopedKv } from '../../src/storage/kv/scoped.js';
import type { KvStore } from '../../src/storage/kv/types.js';
import { kvBackends, type KvSubject } from '../support/kv-backends.js';
// @ts-expect-error -- internal module of oidc-provider (no types): the request context its models run under.
import als from 'oidc-provider/lib/helpers/als.js';

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

    /** The pool's KV with its reads and writes counted (by operation and key prefix). */
    function counted(kv: KvStore) {
      const ops: string[] = [];
      const prefix = (k: string) => k.split(':').slice(0, 2).join(':');
      const view: KvStore = {
        ...kv,
        get: (k) => (ops.push(`get ${prefix(k)}`), kv.get(k)),
        getMany: (keys) => (ops.push(`getMany ${keys.map(prefix).join(',')}`), kv.getMany ? kv.getMany(keys) : Promise.all(keys.map((k) => kv.get(k)))),
        set: (k, v, t) => (ops.push(`set ${prefix(k)}`), kv.set(k, v, t)),
        ttl: (k) => (ops.push(`ttl ${prefix(k)}`), kv.ttl(k)),
      };
      return { view, ops, take: () => ops.splice(0) };
    }

    it('a session found and saved again keeps its uid index, last-use mark and first time without rewriting them; an idle one is gone', async () => {
      const c = counted(poolKv);
      const s = createKvAdapterFactory(c.view, { sessionIdleMs: 300_000 })('Session');
      const sid = id();
      const uid = id('uid');
      const acc = id('acct');
      const exp = now() + 600;
      await s.upsert(sid, { jti: sid, uid, kind: 'Session', accountId: acc, iat: now(), exp }, 600);
      expect(c.take().filter((o) => o.startsWith('set'))).toEqual(['set oidc:seen', 'set oidc:Session', 'set oidc:uid']);
      // What oidc-provider's session middleware does on every request: find, then save again.
      expect((await s.find(sid))?.uid).toBe(uid);
      expect(c.take()).toEqual(['getMany oidc:Session,oidc:seen', 'getMany oidc:account-revoked']);
      await s.upsert(sid, { jti: sid, uid, kind: 'Session', accountId: acc, iat: now(), exp }, 600);
      expect(c.take()).toEqual(['set oidc:Session']);
      expect((await s.findByUid(uid))?.jti).toBe(sid);
      // Re-saves keep the first time: an account revocation after the first save hides it still.
      await sleep(2);
      await revocationMarks(poolKv).revokeAccount(acc);
      await s.upsert(sid, { jti: sid, uid, kind: 'Session', accountId: acc, iat: now(), exp }, 600);
      expect(await s.find(sid)).toBeUndefined();

      // Another expiry: the uid index is written again with it.
      const sid2 = id();
      const uid2 = id('uid');
      await s.upsert(sid2, { jti: sid2, uid: uid2, kind: 'Session', iat: now(), exp }, 600);
      expect(await s.find(sid2)).toBeDefined();
      c.take();
      await s.upsert(sid2, { jti: sid2, uid: uid2, kind: 'Session', iat: now(), exp: exp + 60 }, 660);
      expect(c.take()).toEqual(['set oidc:Session', 'set oidc:uid']);
      // The last-use mark is read with the session every time: once it has run out, the session is gone.
      expect(await poolKv.del(`oidc:seen:${sid2}`)).toBe(true);
      expect(await s.find(sid2)).toBeUndefined();
      // Saved again after that (a request in flight), without its mark: still not found.
      await s.upsert(sid2, { jti: sid2, uid: uid2, kind: 'Session', iat: now(), exp: exp + 60 }, 660);
      await s.destroy(sid2);
      expect(await s.find(sid2)).toBeUndefined();
      expect(await s.findByUid(uid2)).toBeUndefined();
    });

    it('a grant read with its refresh token serves the Grant.find of the same request only; revocations in between are seen by later requests', async () => {
      const c = counted(poolKv);
      const f = createKvAdapterFactory(c.view);
      const marks = revocationMarks(poolKv);
      const acc = id('acct');
      const grantId = id('g');
      const grant = { jti: grantId, kind: 'Grant', accountId: acc, clientId: 'c1', iat: now(), exp: now() + 600 };
      await f('Grant').upsert(grantId, grant, 600);
      const rt = id();
      await f('RefreshToken').upsert(rt, { jti: rt, kind: 'RefreshToken', accountId: acc, grantId, clientId: 'c1', iat: now(), exp: now() + 600 }, 600);
      c.take();

      // One request (oidc-provider's request context): the token, then its grant, in two reads.
      await als.run({}, async () => {
        expect((await f('RefreshToken').find(rt))?.grantId).toBe(grantId);
        expect(await f('Grant').find(grantId)).toEqual(grant);
      });
      expect(c.take()).toEqual(['get oidc:RefreshToken', 'getMany oidc:grant-revoked,oidc:grant-tokens-revoked,oidc:account-revoked,oidc:consumed,oidc:Grant']);
      // Outside a request nothing is kept; another request reads the grant anew.
      expect(await f('Grant').find(grantId)).toEqual(grant);
      expect(c.take()).toEqual(['get oidc:Grant', 'getMany oidc:grant-revoked,oidc:account-revoked']);

      // The token read in one request, the grant revoked, the grant looked up by the next request: gone.
      await als.run({}, () => f('RefreshToken').find(rt));
      await marks.revokeGrant(grantId);
      expect(await als.run({}, () => f('Grant').find(grantId))).toBeUndefined();

      // A grant of another account than its token's: that account's tombstone is read for it.
      const other = id('acct');
      const g2 = id('g');
      await f('Grant').upsert(g2, { ...grant, jti: g2, accountId: other }, 600);
      const rt2 = id();
      await f('RefreshToken').upsert(rt2, { jti: rt2, kind: 'RefreshToken', accountId: acc, grantId: g2, clientId: 'c1', iat: now(), exp: now() + 600 }, 600);
      await sleep(2);
      await marks.revokeAccount(other);
      await als.run({}, async () => {
        expect(await f('RefreshToken').find(rt2)).toBeDefined();
        expect(await f('Grant').find(g2)).toBeUndefined();
      });
    });
  });
}

for (const backend of await kvBackends()) adapterContract(backend.name, backend.open, backend.skip);
