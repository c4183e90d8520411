import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { startDingtalkFake, type DingtalkFake } from '../../../../packages/connectors/test/fakes/dingtalk.js';
import { startWecomFake, type WecomFake } from '../../../../packages/connectors/test/fakes/wecom.js';
import { generateOrg } from '../../../../packages/connectors/test/fakes/org.js';
import { ok, raw } from '../support/management.js';
import { startOidcServer, type OidcTestServer } from '../oidc/support.js';

/**
 * DingTalk and WeCom organisation sync through the signed management API
 * (`POST /api/v3/connections/enterprise/{dingtalk|wechatwork}/start-sync`, authing-js-sdk's
 * startSync path) against the fakes' 3-level tree of 13 departments and 1,000 members: the first
 * run creates the organisation, departments and users; the second changes nothing; a member
 * removed upstream is blocked, not deleted; a vendor refusal is a catalogued error.
 */
let ding: DingtalkFake;
let wecom: WecomFake;
let gh: OidcTestServer;
let mc: ManagementClient;

beforeAll(async () => {
  ding = await startDingtalkFake({ apps: [{ appKey: 'dingsync001', appSecret: 'sync-secret', corpId: 'dingcorp1' }], users: [], rateLimitEvery: 11 });
  // The same people shape as DingTalk's, with their own phones and emails (one pool holds both).
  const org = generateOrg();
  for (const m of org.members) {
    m.mobile = m.mobile.replace(/^139/, '137');
    if (m.email) m.email = m.email.replace('@', '.wecom@');
  }
  wecom = await startWecomFake({ corpId: 'wwcorp0001', agents: [{ agentId: '1000002', secret: 'agent-secret' }], org });
  gh = await startOidcServer({ config: { upstreamOverrides: JSON.stringify({ ...ding.overrides, ...wecom.overrides }) } as never });
  mc = gh.mgmt();
  const dIdp = ok(await mc.createExtIdp({ name: 'DingTalk', type: 'dingtalk' as never }));
  ok(await mc.createExtIdpConn({ extIdpId: dIdp.id, type: 'dingtalk' as never, identifier: 'dingtalk', displayName: 'DingTalk', fields: { corpId: 'dingcorp1', appKey: 'dingsync001', appSecret: 'sync-secret' } }));
  const wIdp = ok(await mc.createExtIdp({ name: 'WeCom', type: 'wechatwork' as never }));
  ok(await mc.createExtIdpConn({ extIdpId: wIdp.id, type: 'wechatwork:corp:qrconnect' as never, identifier: 'wecom', displayName: 'WeCom', fields: { corpId: 'wwcorp0001', agentId: '1000002', secret: 'agent-secret' } }));
}, 120_000);
afterAll(async () => {
  await gh?.close();
  await ding?.close();
  await wecom?.close();
});

const startSync = (provider: string) => raw(mc, 'POST', `/api/v3/connections/enterprise/${provider}/start-sync`, {});
/** Starts a run and waits for its report (the run continues after the answer). */
async function syncOnce(provider: string): Promise<Report & { status: string; error?: { apiCode: number } }> {
  const started = ok(await startSync(provider)) as { status: string };
  expect(started.status).toBe('running');
  for (;;) {
    const r = ok(await raw(mc, 'GET', `/api/v3/connections/enterprise/${provider}/sync-report`, {})) as Report & { status: string };
    if (r.status !== 'running') return r;
    await new Promise((res) => setTimeout(res, 200));
  }
}
type Report = { organizationCode: string; departments: { total: number; created: number; updated: number }; members: { total: number; created: number; updated: number; unchanged: number; blocked: number; unblocked: number; conflicts: unknown[] } };

async function tree(organizationCode: string): Promise<Array<{ name: string; openDepartmentId: string; parent: string | null; members: number }>> {
  const db = gh.container.db.db;
  const rows = await db
    .selectFrom('departments')
    .select(['id', 'name', 'open_department_id', 'parent_id'])
    .where('pool_id', '=', gh.poolId)
    .where('organization_id', '=', (await db.selectFrom('organizations').select('id').where('pool_id', '=', gh.poolId).where('code', '=', organizationCode).executeTakeFirstOrThrow()).id)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out = [];
  for (const r of rows) {
    const n = await db.selectFrom('department_members').select((eb) => eb.fn.countAll<number>().as('n')).where('department_id', '=', r.id).executeTakeFirstOrThrow();
    out.push({ name: r.name, openDepartmentId: r.open_department_id ?? '', parent: r.parent_id ? (byId.get(r.parent_id)?.open_department_id ?? null) : null, members: Number(n.n) });
  }
  return out.sort((a, b) => a.openDepartmentId.localeCompare(b.openDepartmentId));
}

describe.each([
  ['dingtalk', 'dingtalk', () => ding as DingtalkFake | WecomFake],
  ['wechatwork', 'wecom', () => wecom as DingtalkFake | WecomFake],
] as const)('%s organisation sync', (provider, code, fakeOf) => {
  let firstTree: Awaited<ReturnType<typeof tree>>;

  it('imports the 3-level tree and 1,000 members, then a second run changes nothing', async () => {
    const first = await syncOnce(provider);
    expect(first.status).toBe('succeeded');
    expect(first).toMatchObject({ organizationCode: code, departments: { total: 13, created: 13 }, members: { total: 1000, created: 1000, conflicts: [] } });
    // Every 50th member is inactive upstream: imported, and blocked.
    expect(first.members.blocked).toBe(20);
    firstTree = await tree(code);
    expect(firstTree).toHaveLength(13);
    const root = firstTree.find((d) => d.parent === null)!;
    expect(root).toMatchObject({ name: '门房科技', openDepartmentId: `${code}:1` });
    expect(firstTree.filter((d) => d.parent === `${code}:1`)).toHaveLength(3);
    // 1,000 members, every 10th in two departments.
    expect(firstTree.reduce((n, d) => n + d.members, 0)).toBe(1100);

    const second = await syncOnce(provider);
    expect(second.status, JSON.stringify(second)).toBe('succeeded');
    expect(second).toMatchObject({ departments: { total: 13, created: 0 }, members: { total: 1000, created: 0, updated: 0, unchanged: 1000, blocked: 0, unblocked: 0 } });
    expect(await tree(code)).toEqual(firstTree);
  });

  it('blocks, never deletes, a member removed upstream', async () => {
    const member = fakeOf().org.members.find((m) => m.email && m.active && m.userid > 'u00100')!;
    const email = member.email;
    expect(email).toBeTruthy();
    fakeOf().removeMember(member.userid);
    const r = await syncOnce(provider);
    expect(r.status, JSON.stringify(r)).toBe('succeeded');
    expect(r.members).toMatchObject({ total: 999, blocked: 1, created: 0 });
    const users = await gh.container.db.db.selectFrom('users').select(['id', 'status']).where('pool_id', '=', gh.poolId).where('email', '=', email!).execute();
    expect(users).toEqual([expect.objectContaining({ status: 'Suspended' })]);
    // Blocked users cannot sign in; the account and its departments' history stay.
    expect(ok(await mc.getUser({ userId: users[0]!.id }))).toMatchObject({ status: 'Suspended' });
  });
});

describe('organisation sync errors', () => {
  it('a vendor refusal is a catalogued error, and an unknown provider or a pool without the source is refused', async () => {
    ding.failNextOapi('/topapi/v2/department/get', '60011');
    const refused = await syncOnce('dingtalk');
    expect(refused).toMatchObject({ status: 'failed', error: { apiCode: 5010005 } });
    expect((await startSync('feishu')).statusCode).toBe(400);
  });
});
