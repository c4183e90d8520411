import type { OrgMember, OrgSnapshot, OrgSyncClient } from '@gatehouse/connector-kit';
import { ConnectorError } from '@gatehouse/connector-kit';
import { AppError, isAppError } from '../../errors/app-error.js';
import type { KvStore } from '../../storage/kv/types.js';
import type { Logger } from '../../utils/logger.js';
import type { IdentitiesService } from '../identity-sources/identities.js';
import type { SourcesService } from '../identity-sources/sources.js';
import type { ConnectionWithSecrets } from '../identity-sources/types.js';
import type { DepartmentMembersService } from '../organizations/members.js';
import type { OrganizationsService } from '../organizations/organizations.js';
import type { UsersService } from '../users.js';

/**
 * Organisation sync from DingTalk and WeCom (docs/identity-providers-china.md "Organisational
 * structure"): the source is the pool's DingTalk (`dingtalk`) or WeCom
 * (`wechatwork:corp:qrconnect`) login connection — its app credentials read the contacts, and
 * the members it imports are the same users its QR login signs in (DingTalk by unionId, WeCom by
 * userid, the ids the login connectors return). One run:
 *
 *  1. pulls the whole tree and every member (the connector pages and backs off on rate limits);
 *  2. creates the organisation on the first run (its root is the vendor's root department), then
 *     upserts every other department by its external id, parents first
 *     (`organizations.upsertByExternalId`, ids prefixed `dingtalk:` / `wecom:`);
 *  3. per member: finds the user by the connection's identity, or creates one (a member whose
 *     email or phone another account already holds is reported as a conflict, never linked);
 *     updates name, email and phone when they changed; sets the departments; blocks
 *     (`Suspended`) members the vendor reports inactive;
 *  4. blocks — never deletes — users of this connection that are no longer members, and
 *     unblocks users this sync had blocked once they are active members again.
 *
 * Running it again with an unchanged organisation changes nothing. One run per pool and
 * provider at a time (a KV lock); the last report is kept for 30 days.
 */
export type OrgProvider = 'dingtalk' | 'wechatwork';
/** What started a run: `start-sync` or the source's schedule (services/org-sync/schedule.ts). */
export type SyncTrigger = 'manual' | 'schedule';

/** The source's scheduled-sync interval (`syncIntervalMinutes` of the connection's fields), 0 = none. */
export function syncIntervalMinutes(conn: { fields: unknown }): number {
  const v = (conn.fields as Record<string, unknown> | null)?.['syncIntervalMinutes'];
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 0;
}

export const ORG_SOURCE_TYPES: Record<OrgProvider, string> = { dingtalk: 'dingtalk', wechatwork: 'wechatwork:corp:qrconnect' };
const PREFIX: Record<OrgProvider, string> = { dingtalk: 'dingtalk', wechatwork: 'wecom' };

export interface SyncReport {
  provider: OrgProvider;
  connectionId: string;
  organizationCode: string;
  startedAt: string;
  finishedAt: string;
  departments: { total: number; created: number; updated: number };
  members: { total: number; created: number; updated: number; unchanged: number; blocked: number; unblocked: number; conflicts: Array<{ externalId: string; reason: string }> };
  /** Requests made to the vendor and rate-limit waits. */
  upstream: { requests: number; rateLimitRetries: number };
}

export interface OrgSyncDeps {
  kv: KvStore;
  sources: Pick<SourcesService, 'listIdps' | 'getIdp' | 'getConnectionWithSecrets'>;
  identities: Pick<IdentitiesService, 'findUserId' | 'record' | 'subjectsOfConnection'>;
  organizations: Pick<OrganizationsService, 'getOrganization' | 'createOrganization' | 'upsertByExternalId'>;
  departmentMembers: Pick<DepartmentMembersService, 'setForUser'>;
  users: Pick<UsersService, 'get' | 'create' | 'update'>;
  /** The vendor's organisation client for a connection (container: the connectors' org sync on the outbound guard). */
  client(provider: OrgProvider, conn: ConnectionWithSecrets): OrgSyncClient;
  log: Logger;
}

const LOCK_TTL_MS = 30 * 60 * 1000;
const REPORT_TTL_MS = 30 * 24 * 3600 * 1000;
/** How long the "blocked by the sync" mark lasts (to unblock a member who comes back). */
const BLOCK_MARK_TTL_MS = 400 * 24 * 3600 * 1000;

export function createOrgSync(deps: OrgSyncDeps) {
  const { kv } = deps;

  async function sourceConnection(poolId: string, provider: OrgProvider, connectionId?: string): Promise<ConnectionWithSecrets> {
    const type = ORG_SOURCE_TYPES[provider];
    const candidates: string[] = [];
    for (const idp of await deps.sources.listIdps(poolId)) {
      for (const c of (await deps.sources.getIdp(poolId, idp.id)).connections) if (c.type === type && (!connectionId || c.id === connectionId || c.identifier === connectionId)) candidates.push(c.id);
    }
    if (candidates.length === 0) throw new AppError('china.org_source_not_found', { params: { provider } });
    if (candidates.length > 1) throw new AppError('federation.connection_ambiguous', { params: { field: 'connectionId' } });
    const conn = await deps.sources.getConnectionWithSecrets(candidates[0]!, poolId);
    if (!conn) throw new AppError('china.org_source_not_found', { params: { provider } });
    return conn;
  }

  /** The login identity a member signs in with (the login connectors' profile id). */
  const memberSubject = (provider: OrgProvider, m: OrgMember) => (provider === 'dingtalk' ? (m.unionId ?? m.externalId) : m.externalId);

  async function setStatus(poolId: string, connId: string, userId: string, current: string, active: boolean, report: SyncReport) {
    const mark = `org-sync:blocked:${connId}:${userId}`;
    if (!active && current !== 'Suspended') {
      await deps.users.update(poolId, { userId, status: 'Suspended' } as never);
      await kv.set(mark, '1', BLOCK_MARK_TTL_MS);
      report.members.blocked++;
      return true;
    }
    if (active && current === 'Suspended' && (await kv.take(mark))) {
      await deps.users.update(poolId, { userId, status: 'Activated' } as never);
      report.members.unblocked++;
      return true;
    }
    return false;
  }

  async function run(poolId: string, provider: OrgProvider, opts: { organizationCode?: string | undefined; connectionId?: string | undefined }): Promise<SyncReport> {
    const conn = await sourceConnection(poolId, provider, opts.connectionId);
    const prefix = PREFIX[provider];
    const organizationCode = opts.organizationCode ?? prefix;
    let snap: OrgSnapshot;
    try {
      snap = await deps.client(provider, conn).pull();
    } catch (err) {
      if (!(err instanceof ConnectorError)) throw err;
      deps.log.warn({ connection: conn.id, err: err.message }, 'organisation pull failed');
      throw new AppError('china.sync_failed', { params: { provider, reason: err.code.replace('connector.', '') }, cause: err });
    }
    const report: SyncReport = {
      provider,
      connectionId: conn.id,
      organizationCode,
      startedAt: new Date().toISOString(),
      finishedAt: '',
      departments: { total: snap.departments.length, created: 0, updated: 0 },
      members: { total: snap.members.length, created: 0, updated: 0, unchanged: 0, blocked: 0, unblocked: 0, conflicts: [] },
      upstream: snap.stats,
    };

    // Departments: the root is the organisation's root; the rest parents first.
    const ext = (id: string) => `${prefix}:${id}`;
    const root = snap.departments.find((d) => d.parentExternalId === null);
    if (!root) throw new AppError('china.sync_failed', { params: { provider, reason: 'no root department' } });
    const deptIds = new Map<string, string>();
    let org;
    try {
      org = await deps.organizations.getOrganization(poolId, organizationCode);
    } catch (err) {
      if (!isAppError(err) || err.code !== 'organization.not_found') throw err;
      org = await deps.organizations.createOrganization(poolId, { organizationCode, organizationName: root.name, openDepartmentId: ext(root.externalId) });
      report.departments.created++;
    }
    deptIds.set(root.externalId, String(org['departmentId']));
    const depth = new Map<string, number>([[root.externalId, 0]]);
    const byId = new Map(snap.departments.map((d) => [d.externalId, d]));
    const depthOf = (id: string): number => {
      const known = depth.get(id);
      if (known !== undefined) return known;
      const d = byId.get(id)!;
      const v = d.parentExternalId === null || !byId.has(d.parentExternalId) ? 0 : depthOf(d.parentExternalId) + 1;
      depth.set(id, v);
      return v;
    };
    const ordered = snap.departments.filter((d) => d !== root).sort((a, b) => depthOf(a.externalId) - depthOf(b.externalId) || a.externalId.localeCompare(b.externalId));
    for (const d of ordered) {
      const r = await deps.organizations.upsertByExternalId(poolId, { organizationCode, openDepartmentId: ext(d.externalId), parentOpenDepartmentId: d.parentExternalId ? ext(d.parentExternalId) : null, name: d.name });
      deptIds.set(d.externalId, r.department.departmentId);
      if (r.created) report.departments.created++;
      else report.departments.updated++;
    }

    // Members.
    const seen = new Set<string>();
    for (const m of snap.members) {
      const subject = memberSubject(provider, m);
      seen.add(subject);
      const profile = { id: subject, raw: { userid: m.externalId, ...(m.unionId ? { unionId: m.unionId } : {}), name: m.name } };
      let userId = await deps.identities.findUserId(conn, profile);
      let changed = false;
      if (!userId) {
        try {
          const created = await deps.users.create(poolId, { name: m.name, ...(m.email ? { email: m.email } : {}), ...(m.phone ? { phone: m.phone } : {}), ...(!m.email && !m.phone ? { username: `${prefix}_${m.externalId}` } : {}) } as never);
          userId = created.userId;
        } catch (err) {
          if (isAppError(err) && err.code === 'user.already_exists') {
            report.members.conflicts.push({ externalId: m.externalId, reason: 'email or phone held by another account' });
            continue;
          }
          throw err;
        }
        await deps.identities.record(conn, userId, profile);
        report.members.created++;
        changed = true;
        if (!m.active) await setStatus(poolId, conn.id, userId, 'Activated', false, report);
      } else {
        const u = await deps.users.get(poolId, { userId });
        const patch: Record<string, string> = {};
        if (m.name !== u.name) patch['name'] = m.name;
        if (m.email && m.email !== u.email) patch['email'] = m.email;
        if (m.phone && m.phone !== u.phone) patch['phone'] = m.phone;
        if (Object.keys(patch).length > 0) {
          try {
            await deps.users.update(poolId, { userId, ...patch } as never);
            changed = true;
          } catch (err) {
            if (!(isAppError(err) && err.code === 'user.already_exists')) throw err;
            report.members.conflicts.push({ externalId: m.externalId, reason: 'email or phone held by another account' });
          }
        }
        if (await setStatus(poolId, conn.id, userId, u.status, m.active, report)) changed = true;
        if (changed) report.members.updated++;
      }
      const departments = m.departmentExternalIds.map((id) => deptIds.get(id)).filter((id): id is string => Boolean(id));
      await deps.departmentMembers.setForUser(poolId, { userId, departments: departments.map((departmentId, i) => ({ departmentId, isMainDepartment: i === 0 })) });
      if (!changed) report.members.unchanged++;
    }

    // Users of this connection who are no longer members: blocked, never deleted.
    for (const { userId, subject } of await deps.identities.subjectsOfConnection(poolId, conn.id)) {
      if (seen.has(subject)) continue;
      const u = await deps.users.get(poolId, { userId }).catch(() => undefined);
      if (u) await setStatus(poolId, conn.id, userId, u.status, false, report);
    }
    report.finishedAt = new Date().toISOString();
    return report;
  }

  /** The runs in progress of this process (tests and shutdown wait for them). */
  const running = new Set<Promise<void>>();

  return {
    /**
     * `POST /api/v3/connections/enterprise/{dingtalk|wechatwork}/start-sync`: checks the source
     * exists and no run is going on, then starts one in the background (a 1,000-member pull takes
     * longer than a client waits) and answers at once; the report follows at `lastReport`.
     */
    async start(poolId: string, provider: OrgProvider, opts: { organizationCode?: string | undefined; connectionId?: string | undefined; trigger?: SyncTrigger } = {}): Promise<{ status: 'running'; startedAt: string }> {
      const conn = await sourceConnection(poolId, provider, opts.connectionId);
      const lock = `org-sync:lock:${poolId}:${provider}`;
      if (!(await kv.setIfAbsent(lock, '1', LOCK_TTL_MS))) throw new AppError('china.sync_running');
      const reportKey = `org-sync:report:${poolId}:${provider}`;
      const startedAt = new Date().toISOString();
      // Who started it, and when the schedule (if the source has one) runs next: the interval counts from this start.
      const interval = syncIntervalMinutes(conn);
      const meta = { trigger: opts.trigger ?? 'manual', ...(interval > 0 ? { schedule: { intervalMinutes: interval, nextRunAt: new Date(Date.parse(startedAt) + interval * 60_000).toISOString() } } : {}) };
      await kv.set(reportKey, JSON.stringify({ status: 'running', provider, startedAt, ...meta }), REPORT_TTL_MS);
      const job = (async () => {
        try {
          const report = await run(poolId, provider, { ...opts, connectionId: conn.id });
          await kv.set(reportKey, JSON.stringify({ status: 'succeeded', ...report, startedAt, ...meta }), REPORT_TTL_MS);
        } catch (err) {
          const e = isAppError(err) ? err : new AppError('china.sync_failed', { params: { provider, reason: 'internal' }, cause: err });
          if (!isAppError(err)) deps.log.error({ err, poolId, provider }, 'organisation sync failed');
          await kv.set(reportKey, JSON.stringify({ status: 'failed', provider, startedAt, ...meta, finishedAt: new Date().toISOString(), error: { code: e.code, apiCode: e.apiCode, ...(e.params ? { params: e.params } : {}) } }), REPORT_TTL_MS);
        } finally {
          await kv.del(lock);
        }
      })();
      running.add(job);
      void job.finally(() => running.delete(job));
      return { status: 'running', startedAt };
    },
    /** The last run's report (`status` running, succeeded or failed), if any in the last 30 days. */
    async lastReport(poolId: string, provider: OrgProvider): Promise<(Partial<SyncReport> & { status: string }) | null> {
      const raw = await kv.get(`org-sync:report:${poolId}:${provider}`);
      return raw ? (JSON.parse(raw) as Partial<SyncReport> & { status: string }) : null;
    },
    /** Waits for the runs in progress (server shutdown). */
    async idle(): Promise<void> {
      await Promise.allSettled([...running]);
    },
  };
}
export type OrgSync = ReturnType<typeof createOrgSync>;
