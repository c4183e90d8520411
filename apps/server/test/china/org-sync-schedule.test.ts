import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDingtalkFake, type DingtalkFake } from '../../../../packages/connectors/test/fakes/dingtalk.js';
import { startWecomFake, type WecomFake } from '../../../../packages/connectors/test/fakes/wecom.js';
import { generateOrg } from '../../../../packages/connectors/test/fakes/org.js';
import { ok, raw } from '../support/management.js';
import { startServer, type TestServer } from '../support/server.js';
import { postgresAvailable, redisAvailable, REDIS_URL } from '../support/services.js';

/**
 * The scheduled organisation sync (services/org-sync/schedule.ts): a DingTalk source with
 * `syncIntervalMinutes: 1` is synchronised by itself (the first time at once, then a minute after
 * the last run began), recorded in the same sync-report with `trigger: "schedule"`; a source
 * without a schedule is not touched; on two nodes sharing PostgreSQL and Redis, one node runs it.
 */
type Report = { status: string; trigger?: string; startedAt: string; schedule?: { intervalMinutes: number; nextRunAt: string }; members?: { total: number; created: number; unchanged: number } } | null;
const hasPg = await postgresAvailable();
const hasRedis = await redisAvailable();

async function setUp(s: TestServer, ding: DingtalkFake, wecom?: WecomFake) {
  const mc = s.mgmt();
  const dIdp = ok(await mc.createExtIdp({ name: 'DingTalk', type: 'dingtalk' as never }));
  ok(await mc.createExtIdpConn({ extIdpId: dIdp.id, type: 'dingtalk' as never, identifier: 'dingtalk', displayName: 'DingTalk', fields: { corpId: 'dingcorpS', appKey: 'dingsched01', appSecret: 'sched-secret', syncIntervalMinutes: 1 } }));
  if (wecom) {
    const wIdp = ok(await mc.createExtIdp({ name: 'WeCom', type: 'wechatwork' as never }));
    ok(await mc.createExtIdpConn({ extIdpId: wIdp.id, type: 'wechatwork:corp:qrconnect' as never, identifier: 'wecom', displayName: 'WeCom', fields: { corpId: 'wwcorpsched', agentId: '1000009', secret: 'sched-agent' } }));
  }
  void ding;
  return (provider: string) => raw(mc, 'GET', `/api/v3/connections/enterprise/${provider}/sync-report`, {}).then((r) => ok(r) as Report);
}
/** Runs of the fake's organisation seen so far: every run reads the root department once. */
const runsSeen = (ding: DingtalkFake) => ding.requests.filter((r) => r.path === '/topapi/v2/department/get' && (r.json() as { dept_id?: number } | undefined)?.dept_id === 1).length;

describe('scheduled organisation sync, one node (SQLite)', () => {
  let ding: DingtalkFake;
  let wecom: WecomFake;
  let s: TestServer;
  let report: (provider: string) => Promise<Report>;
  beforeAll(async () => {
    ding = await startDingtalkFake({ apps: [{ appKey: 'dingsched01', appSecret: 'sched-secret', corpId: 'dingcorpS' }], users: [], org: generateOrg({ members: 30 }) });
    wecom = await startWecomFake({ corpId: 'wwcorpsched', agents: [{ agentId: '1000009', secret: 'sched-agent' }], org: generateOrg({ members: 10 }) });
    s = await startServer({ config: { upstreamOverrides: JSON.stringify({ ...ding.overrides, ...wecom.overrides }), orgSyncTickMs: 250 } as never });
    report = await setUp(s, ding, wecom);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    await ding?.close();
    await wecom?.close();
  });

  it('runs the source by itself, records it in the sync report, runs it again after the interval, and leaves an unscheduled source alone', async () => {
    await expect.poll(async () => (await report('dingtalk'))?.status, { timeout: 60_000, interval: 250 }).toBe('succeeded');
    const first = (await report('dingtalk'))!;
    expect(first).toMatchObject({ trigger: 'schedule', schedule: { intervalMinutes: 1 }, members: { total: 30, created: 30 } });
    expect(Date.parse(first.schedule!.nextRunAt) - Date.parse(first.startedAt)).toBe(60_000);

    // The node has looked again several times since: the WeCom source (no schedule) never ran.
    const ticks = s.container.china.schedule.stats.ticks;
    await expect.poll(() => s.container.china.schedule.stats.ticks, { timeout: 30_000 }).toBeGreaterThan(ticks + 2);
    expect(await report('wechatwork')).toBeNull();

    // A minute after the first run began, the schedule runs it again (nothing changed upstream).
    await expect.poll(async () => {
      const r = await report('dingtalk');
      return r?.status === 'succeeded' && r.startedAt !== first.startedAt;
    }, { timeout: 150_000, interval: 1000 }).toBe(true);
    const second = (await report('dingtalk'))!;
    expect(Date.parse(second.startedAt)).toBeGreaterThanOrEqual(Date.parse(first.schedule!.nextRunAt));
    expect(second).toMatchObject({ trigger: 'schedule', members: { total: 30, created: 0, unchanged: 30 } });
    expect(runsSeen(ding)).toBe(2);
  }, 240_000);
});

describe.skipIf(!hasPg || !hasRedis)('scheduled organisation sync, two nodes (PostgreSQL + Redis)', () => {
  let ding: DingtalkFake;
  let a: TestServer;
  let b: TestServer;
  let report: (provider: string) => Promise<Report>;
  beforeAll(async () => {
    ding = await startDingtalkFake({ apps: [{ appKey: 'dingsched01', appSecret: 'sched-secret', corpId: 'dingcorpS' }], users: [], org: generateOrg({ members: 30 }) });
    const config = { upstreamOverrides: JSON.stringify(ding.overrides), redisUrl: REDIS_URL, orgSyncTickMs: 100 } as never;
    a = await startServer({ db: 'postgres', config });
    b = await startServer({ db: 'postgres', config, join: a });
    report = await setUp(a, ding);
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await ding?.close();
  });

  it('one node runs a due sync, the other does not', async () => {
    await expect.poll(async () => (await report('dingtalk'))?.status, { timeout: 60_000, interval: 250 }).toBe('succeeded');
    // Both nodes have looked many times since the run: still one run, started by one node.
    const ta = a.container.china.schedule.stats.ticks;
    const tb = b.container.china.schedule.stats.ticks;
    await expect.poll(() => a.container.china.schedule.stats.ticks > ta + 5 && b.container.china.schedule.stats.ticks > tb + 5, { timeout: 30_000 }).toBe(true);
    expect(a.container.china.schedule.stats.started + b.container.china.schedule.stats.started).toBe(1);
    expect(runsSeen(ding)).toBe(1);
    expect(await report('dingtalk')).toMatchObject({ trigger: 'schedule', members: { total: 30, created: 30 } });
  }, 120_000);
});
