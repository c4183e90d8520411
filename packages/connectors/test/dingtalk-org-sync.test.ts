/**
 * DingTalk organisation sync against the fake's 3-level tree of 13 departments and 1,000
 * members, with DingTalk's QPS limit injected on every 7th call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgSnapshot } from '@gatehouse/connector-kit';
import { createDingtalkOrgSync } from '../src/index.js';
import { startDingtalkFake, type DingtalkFake } from './fakes/dingtalk.js';
import { expectConnectorError } from './helpers/deps.js';
import { socialDeps } from './helpers/social-china.js';

const APP = { appKey: 'dingsync001', appSecret: 'sync-secret' };
let fake: DingtalkFake;
const waits: number[] = [];
const sleep = async (ms: number) => void waits.push(ms);

beforeAll(async () => {
  fake = await startDingtalkFake({ apps: [{ ...APP, corpId: 'dingcorp1' }], users: [], rateLimitEvery: 7 });
});
afterAll(() => fake.close());

const sync = (opts: Parameters<typeof createDingtalkOrgSync>[2] = {}) => createDingtalkOrgSync(APP, socialDeps(fake.overrides), { sleep, ...opts });
const withoutStats = (s: OrgSnapshot) => ({ departments: s.departments, members: s.members });

describe('DingTalk organisation sync', () => {
  let first: OrgSnapshot;

  it('pulls the whole tree and every member, backing off on the QPS limit', async () => {
    first = await sync().pull();
    expect(first.departments).toHaveLength(13);
    expect(first.members).toHaveLength(1000);
    expect(first.stats.rateLimitRetries).toBeGreaterThan(0);
    expect(fake.stats.rateLimited).toBe(first.stats.rateLimitRetries);
    expect(waits.length).toBe(first.stats.rateLimitRetries);

    const root = first.departments.find((d) => d.parentExternalId === null)!;
    expect(root).toEqual({ externalId: '1', parentExternalId: null, name: '门房科技', order: 0 });
    const depth = (id: string): number => {
      const d = first.departments.find((x) => x.externalId === id)!;
      return d.parentExternalId === null ? 1 : 1 + depth(d.parentExternalId);
    };
    expect(Math.max(...first.departments.map((d) => depth(d.externalId)))).toBe(3);
    expect(first.departments.find((d) => d.externalId === '2')).toMatchObject({ parentExternalId: '1', name: '事业部1', order: 300 });

    const m10 = first.members.find((m) => m.externalId === 'u00010')!;
    expect(m10.departmentExternalIds.length).toBe(2); // listed under two departments, merged into one member
    expect(m10).toMatchObject({ name: '员工10', email: 'user10@example.com', phone: '+8613910000010', unionId: fake.memberUnionIdOf('u00010'), active: true });
    expect(first.members.find((m) => m.externalId === 'u00050')!.active).toBe(false);
    expect(first.members.find((m) => m.externalId === 'u00001')!.email).toBeUndefined();
  });

  it('pulls the same result twice, with any page size', async () => {
    const again = await sync().pull();
    expect(withoutStats(again)).toEqual(withoutStats(first));
    const smallPages = await sync({ pageSize: 30 }).pull();
    expect(withoutStats(smallPages)).toEqual(withoutStats(first));
    expect(fake.requests.some((r) => r.path === '/topapi/v2/user/list' && (r.json() as { cursor: number }).cursor > 0)).toBe(true);
  });

  it('survives the app token expiring between pulls', async () => {
    const before = fake.stats.appTokensIssued;
    const client = sync();
    await client.pull();
    fake.advance(7201);
    expect(withoutStats(await client.pull())).toEqual(withoutStats(first));
    expect(fake.stats.appTokensIssued - before).toBe(2);
  });

  it('no longer lists a member removed upstream', async () => {
    fake.removeMember('u00123');
    const after = await sync().pull();
    expect(after.members).toHaveLength(999);
    expect(after.members.some((m) => m.externalId === 'u00123')).toBe(false);
  });

  it('fails on a missing permission (60011) without retrying, and after too many QPS refusals', async () => {
    fake.failNextOapi('/topapi/v2/department/get', '60011');
    await expectConnectorError(sync().pull(), 'connector.invalid_config');
    for (let i = 0; i < 3; i++) fake.failNextOapi('/topapi/v2/department/get', '90018');
    await expectConnectorError(sync({ maxRetries: 2 }).pull(), 'connector.rate_limited');
  });

  it('refuses wrong app credentials', async () => {
    await expectConnectorError(createDingtalkOrgSync({ ...APP, appSecret: 'x' }, socialDeps(fake.overrides), { sleep }).pull(), 'connector.auth_failed');
  });
});
