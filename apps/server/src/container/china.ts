import type { ConnectorCache, HttpClient } from '@gatehouse/connector-kit';
import { createDingtalkOrgSync, createWecomOrgSync } from '@gatehouse/connectors';
import { createOrgSync } from '../services/org-sync/sync.js';
import { createOrgSyncScheduler } from '../services/org-sync/schedule.js';
import type { DepartmentMembersService } from '../services/organizations/members.js';
import type { OrganizationsService } from '../services/organizations/organizations.js';
import type { UsersService } from '../services/users.js';
import type { KvStore } from '../storage/kv/types.js';
import type { Logger } from '../utils/logger.js';
import type { Federation } from './federation.js';

/**
 * The China providers' server-side extras (docs/identity-providers-china.md): organisation sync
 * from DingTalk and WeCom into departments. The QR-code sign-ins live with the social round trip
 * (container/federation.ts `createSocialSignIn`).
 */
export function createChina(d: {
  kv: KvStore;
  log: Logger;
  /** The outbound guard's client: every call to the vendor goes through it. */
  http: HttpClient;
  federation: Federation;
  organizations: OrganizationsService;
  departmentMembers: DepartmentMembersService;
  users: UsersService;
  /** How often this node looks for scheduled syncs that are due (config `orgSyncTickMs`; 0 = never). */
  orgSyncTickMs: number;
}) {
  // The vendor access tokens of a sync client are cached per connection, shared by all nodes.
  const cacheFor = (connId: string): ConnectorCache => {
    const k = (key: string) => `org-sync-cache:${connId}:${key}`;
    return {
      get: (key) => d.kv.get(k(key)),
      set: (key, value, ttlMs) => d.kv.set(k(key), value, Math.max(1, ttlMs)),
      take: (key) => d.kv.take(k(key)),
      add: (key, value, ttlMs) => d.kv.setIfAbsent(k(key), value, Math.max(1, ttlMs)),
    };
  };
  const orgSync = createOrgSync({
    kv: d.kv,
    sources: d.federation.sources,
    identities: d.federation.identities,
    organizations: d.organizations,
    departmentMembers: d.departmentMembers,
    users: d.users,
    client: (provider, conn) => {
      const deps = { http: d.http, cache: cacheFor(conn.id), logger: d.log.child({ orgSync: provider, connection: conn.id }) };
      return provider === 'dingtalk' ? createDingtalkOrgSync(conn.fields as never, deps) : createWecomOrgSync(conn.fields as never, deps);
    },
    log: d.log,
  });
  // Scheduled runs (a source's syncIntervalMinutes): every node looks, one runs each due sync.
  const schedule = createOrgSyncScheduler({ kv: d.kv, orgSync, sources: (types) => d.federation.sources.connectionsWithSecretsByTypes(types), log: d.log, tickMs: d.orgSyncTickMs });
  schedule.start();
  return {
    orgSync,
    schedule,
    /** Stops the schedule, then waits for the runs in progress. */
    async close() {
      await schedule.stop();
      await orgSync.idle();
    },
  };
}
export type China = ReturnType<typeof createChina>;
