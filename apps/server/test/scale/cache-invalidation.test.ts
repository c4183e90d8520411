import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocalInvalidationBus, createRedisInvalidationBus, TOPICS, type InvalidationBus } from '../../src/storage/kv/invalidation-bus.js';
import { createClientRegistry } from '../../src/oidc/clients.js';
import { createAccessKeysService } from '../../src/services/access-keys.js';
import type { AccessKeysRepo } from '../../src/storage/repositories/access-keys.js';
import { SecretBox } from '../../src/utils/crypto.js';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { postgresAvailable, redisAvailable, REDIS_URL } from '../support/services.js';
import { runCli } from '../cli/run-cli.js';

/**
 * The cache-invalidation bus (storage/kv/invalidation-bus.ts, docs/deployment.md "Caches"):
 * with Redis a change made through one node is honoured by another on the very next request;
 * without Redis each cache's TTL is the bound across nodes.
 */
const hasRedis = await redisAvailable();
const hasServices = hasRedis && (await postgresAvailable());

describe('local bus (no Redis)', () => {
  afterEach(() => vi.useRealTimers());

  it('delivers synchronously in this process, per topic, until unsubscribed', async () => {
    const bus = createLocalInvalidationBus();
    const seen: Array<string | undefined> = [];
    const off = bus.subscribe(TOPICS.application, (k) => seen.push(k));
    bus.subscribe(TOPICS.accessKey, () => seen.push('wrong topic'));
    void bus.publish(TOPICS.application, 'app1');
    expect(seen).toEqual(['app1']); // before the publish promise settles
    await bus.publish(TOPICS.application);
    off();
    await bus.publish(TOPICS.application, 'app2');
    expect(seen).toEqual(['app1', undefined]);
  });

  it('two nodes on one database: the writer is exact, the other node sees the change within the 10 s client TTL', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let redirectUris = ['https://a.example/cb'];
    const source = {
      findClient: async (appId: string) => ({ poolId: 'p1', app: { appId, appName: 'x', userPoolId: 'p1', appType: 'web', redirectUris, logoutRedirectUris: [], oidcConfig: { grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none', id_token_signed_response_alg: 'ES256', access_token_expire: 1, id_token_expire: 1, refresh_token_expire: 1, authorization_code_expire: 1 } } as never }),
      getSecret: async () => 's',
    };
    const [busA, busB] = [createLocalInvalidationBus(), createLocalInvalidationBus()];
    const [a, b] = [createClientRegistry(source), createClientRegistry(source)];
    busA.subscribe(TOPICS.application, (k) => a.invalidate(k));
    busB.subscribe(TOPICS.application, (k) => b.invalidate(k));
    const uris = async (r: typeof a) => (await r.find('p1', 'app'))?.redirect_uris;
    expect(await uris(a)).toEqual(['https://a.example/cb']);
    expect(await uris(b)).toEqual(['https://a.example/cb']);
    redirectUris = ['https://b.example/cb'];
    await busA.publish(TOPICS.application, 'app'); // the write went through A
    expect(await uris(a)).toEqual(['https://b.example/cb']);
    vi.advanceTimersByTime(9_000);
    expect(await uris(b)).toEqual(['https://a.example/cb']); // B did not hear it: stale, but bounded
    vi.advanceTimersByTime(1_001);
    expect(await uris(b)).toEqual(['https://b.example/cb']);
  });

  it('an access key disabled through one node is refused by another within the 30 s access-key TTL', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const box = new SecretBox('bus-test-master-secret-0123456789abcdefgh');
    const rows = new Map<string, { id: string; pool_id: string; secret_enc: string; enabled: number }>();
    const repo = {
      insert: async (r: { id: string; pool_id: string; secret_enc: string; enabled: number }) => void rows.set(r.id, r),
      findById: async (id: string) => rows.get(id),
      findInPool: async (_p: string, id: string) => rows.get(id),
      setEnabled: async (_p: string, id: string, enabled: boolean) => ((rows.get(id)!.enabled = enabled ? 1 : 0), true),
      countOtherEnabled: async () => 1, // another key stays enabled, so disabling this one is allowed
      listByPool: async () => [],
    } as unknown as AccessKeysRepo;
    const a = createAccessKeysService(repo, box, createLocalInvalidationBus());
    const b = createAccessKeysService(repo, box, createLocalInvalidationBus());
    const { accessKeyId } = await a.create('p1');
    expect(await b.resolve(accessKeyId)).not.toBeNull();
    await a.setEnabled('p1', accessKeyId, false);
    expect(await a.resolve(accessKeyId)).toBeNull();
    vi.advanceTimersByTime(29_000);
    expect(await b.resolve(accessKeyId)).not.toBeNull();
    vi.advanceTimersByTime(1_001);
    expect(await b.resolve(accessKeyId)).toBeNull();
  });

  it('a lookup racing an invalidation does not cache what it read before it', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const registry = createClientRegistry({
      findClient: async () => {
        calls++;
        if (calls === 1) await gate;
        return null;
      },
      getSecret: async () => 's',
    });
    const first = registry.find('p1', 'app');
    registry.invalidate('app'); // arrives while the first lookup is still reading
    release();
    await first;
    await registry.find('p1', 'app');
    expect(calls).toBe(2);
  });
});

describe.skipIf(!hasRedis)('Redis bus', () => {
  const buses: InvalidationBus[] = [];
  afterAll(async () => {
    for (const b of buses) await b.close();
  });
  const open = async (keyPrefix: string) => {
    const b = await createRedisInvalidationBus(REDIS_URL, { keyPrefix });
    buses.push(b);
    return b;
  };

  it('reaches the other node, not the publisher twice, and not another installation (prefix)', async () => {
    const prefix = `ghtest-${randomBytes(4).toString('hex')}:`;
    const [a, b, other] = [await open(prefix), await open(prefix), await open(`${prefix}other:`)];
    const onA: Array<string | undefined> = [];
    const onOther: Array<string | undefined> = [];
    a.subscribe(TOPICS.accessKey, (k) => onA.push(k));
    other.subscribe(TOPICS.accessKey, (k) => onOther.push(k));
    const heard = new Promise<Array<string | undefined>>((resolve) => {
      const got: Array<string | undefined> = [];
      b.subscribe(TOPICS.accessKey, (k) => {
        got.push(k);
        if (got.length === 2) resolve(got);
      });
    });
    await a.publish(TOPICS.accessKey, 'ak_1');
    await a.publish(TOPICS.accessKey);
    expect(await heard).toEqual(['ak_1', undefined]);
    await new Promise((r) => setTimeout(r, 50));
    expect(onA).toEqual(['ak_1', undefined]); // local delivery only, its own echo is ignored
    expect(onOther).toEqual([]);
  });

  it('publish resolves only after every other node ran its handler (acknowledged), and is bounded when one never answers', async () => {
    const prefix = `ghtest-${randomBytes(4).toString('hex')}:`;
    const [a, b, c] = [await open(prefix), await open(prefix), await open(prefix)];
    const ran: string[] = [];
    b.subscribe(TOPICS.application, (k) => ran.push(`b:${k}`));
    c.subscribe(TOPICS.application, (k) => ran.push(`c:${k}`));
    await a.publish(TOPICS.application, 'app_1');
    // No wait of any kind between the publish and this check.
    expect(ran.sort()).toEqual(['b:app_1', 'c:app_1']);

    // A subscriber that never acknowledges (an older node, or one stalled) delays the publish by
    // the acknowledgement bound, then the write goes on and the failure is reported.
    const errors: string[] = [];
    const d = await createRedisInvalidationBus(REDIS_URL, { keyPrefix: prefix, ackTimeoutMs: 300, onError: (err, what) => errors.push(`${what}: ${err.message}`) });
    buses.push(d);
    const silent = new Redis(REDIS_URL);
    await silent.subscribe(`${prefix}invalidate`);
    try {
      const t0 = Date.now();
      await d.publish(TOPICS.application, 'app_2');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
      expect(errors).toEqual(['invalidation acknowledgement application: 3 of 4 nodes acknowledged within 300 ms']);
      expect(ran.filter((r) => r.endsWith('app_2')).sort()).toEqual(['b:app_2', 'c:app_2']);
    } finally {
      silent.disconnect();
    }
  });
});

/** Two nodes, each its own container (caches, connections), on one PostgreSQL database and one Redis. */
describe.skipIf(!hasServices)('two nodes on one PostgreSQL and one Redis: a change through A is honoured by B at once', () => {
  let a: TestServer;
  let b: TestServer;
  const CB = 'https://rp.example/cb';
  const CB2 = 'https://rp.example/cb2';

  beforeAll(async () => {
    a = await startServer({ db: 'postgres', config: { redisUrl: REDIS_URL } });
    b = await startServer({ join: a, config: { redisUrl: REDIS_URL } });
    expect(a.container.bus.mode).toBe('redis');
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const accepted = async (node: TestServer, redirectUri: string) => {
    const verifier = randomBytes(32).toString('base64url');
    const q = new URLSearchParams({
      client_id: a.defaultAppId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      state: 'st',
    });
    const res = await fetch(`${node.url}/oidc/auth?${q}`, { redirect: 'manual' });
    await res.body?.cancel();
    return res.status === 303 || res.status === 302;
  };

  it('an application redirect URI updated through A is accepted by B on the first request after the response', async () => {
    await a.mgmt().updateApplication({ appId: a.defaultAppId, redirectUris: [CB] });
    expect(await accepted(b, CB)).toBe(true);
    expect(await accepted(b, CB2)).toBe(false); // B has the client cached now
    const r = (await a.mgmt().updateApplication({ appId: a.defaultAppId, redirectUris: [CB, CB2] })) as { statusCode: number };
    expect(r.statusCode).toBe(200);
    expect(await accepted(b, CB2)).toBe(true); // no sleep, no retry
    await a.mgmt().updateApplication({ appId: a.defaultAppId, redirectUris: [CB] });
    expect(await accepted(b, CB2)).toBe(false);
  });

  it('an access key disabled on A is refused on B at once', async () => {
    const key = await a.container.services.accessKeys.create(a.poolId, { name: 'bus-test' });
    const call = async (node: TestServer) =>
      ((await node.mgmt(key).makeRequest({ method: 'GET', url: '/api/v3/get-authentication-settings' })) as { statusCode: number }).statusCode;
    expect(await call(b)).toBe(200); // B resolved (and cached) the key
    await a.container.services.accessKeys.setEnabled(a.poolId, key.accessKeyId, false);
    expect(await call(b)).not.toBe(200);
    expect(await call(a)).not.toBe(200);
  });

  it('a pool setting changed through A applies on B at once', async () => {
    const appSecret = await a.container.services.applications.getSecret(a.poolId, a.defaultAppId);
    const signIn = async (node: TestServer) =>
      ((await authClient({ appId: a.defaultAppId, appSecret, host: node.url }).signInByEmailPassword({ email: 'nobody@example.com', password: 'whatever it is' })) as { apiCode?: number }).apiCode;
    expect(await signIn(b)).toBe(2333);
    const r = (await a.mgmt().makeRequest({ method: 'POST', url: '/api/v3/update-authentication-settings', data: { distinctLoginErrors: true } })) as { statusCode: number };
    expect(r.statusCode).toBe(200);
    expect(await signIn(b)).toBe(2004);
  });

  it('signing keys rotated by the CLI (`gatehouse keys rotate`, its own process) are served by B at once', async () => {
    const kids = async () => ((await (await fetch(`${b.url}/oidc/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    const before = await kids(); // B has built its provider with the current keys
    const cli = await runCli(['keys', 'rotate', '--pool', a.poolId, '--json'], {
      GATEHOUSE_DATABASE_URL: a.container.config.databaseUrl,
      GATEHOUSE_REDIS_URL: REDIS_URL,
      GATEHOUSE_SECRET: a.container.config.secret!,
      GATEHOUSE_DATA_DIR: a.container.config.dataDir,
      GATEHOUSE_LOG_LEVEL: 'warn',
    });
    expect(cli.code, cli.stderr).toBe(0);
    const active = (JSON.parse(cli.stdout) as { active: { kid: string }[] }).active.map((k) => k.kid);
    const after = await kids();
    for (const kid of active) expect(before).not.toContain(kid);
    for (const kid of active) expect(after).toContain(kid);
  }, 30_000);
});
