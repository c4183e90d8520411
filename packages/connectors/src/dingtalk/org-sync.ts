/**
 * DingTalk organisation sync: pulls the department tree from the root (topapi/v2/department/get
 * for each department's name and order, topapi/v2/department/listsub for its children) and the
 * members of every department (topapi/v2/user/list, cursor-paged, 100 a page). A member listed in
 * several departments is one member with all of them (`dept_id_list`). Calls back off on DingTalk's
 * QPS limits (90002/90005/90006/90018) and system-busy answers, and run at most `concurrency` at a
 * time. The result is sorted so that pulling an unchanged organisation twice gives the same value.
 *
 * Members that are gone upstream are simply absent: the server blocks (never deletes) the users
 * of members missing from a pull.
 * https://open.dingtalk.com/document/orgapp/obtain-the-department-list-v2
 * https://open.dingtalk.com/document/orgapp/queries-the-complete-information-of-a-department-user
 */
import { validateConfig, type OrgDepartment, type OrgMember, type OrgSyncClient, type SocialConnectorDeps } from '@gatehouse/connector-kit';
import { snapshot } from '../china-shared/org.js';
import { toPhone } from '../china-shared/phone.js';
import { mapLimit, realSleep, withBackoff, type RetryOptions } from '../china-shared/retry.js';
import { createDingtalkApi } from './api.js';
import { DingtalkOrgSyncConfigSchema, type DingtalkOrgSyncConfig, type DingtalkOrgSyncConfigInput } from './schema.js';

const VENDOR = 'dingtalk-org';

export interface OrgSyncOptions {
  concurrency?: number;
  maxRetries?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  pageSize?: number;
}

export function createDingtalkOrgSync(rawConfig: DingtalkOrgSyncConfigInput, deps: SocialConnectorDeps, opts: OrgSyncOptions = {}): OrgSyncClient {
  const config = validateConfig<DingtalkOrgSyncConfig>({ id: VENDOR, kind: 'social', name: VENDOR, configSchema: DingtalkOrgSyncConfigSchema, secretFields: ['appSecret'] }, rawConfig);
  const api = createDingtalkApi({ vendor: VENDOR, appKey: config.appKey, appSecret: config.appSecret, timeoutMs: config.timeoutMs }, deps);
  const concurrency = opts.concurrency ?? 4;
  const pageSize = Math.min(opts.pageSize ?? 100, 100);

  return {
    async pull() {
      const stats = { requests: 0, rateLimitRetries: 0 };
      const retry: RetryOptions = {
        maxRetries: opts.maxRetries ?? 6,
        baseDelayMs: opts.baseDelayMs ?? 1000,
        sleep: opts.sleep ?? realSleep,
        onRetry: () => void stats.rateLimitRetries++,
      };
      const run = <T>(fn: () => Promise<T>) =>
        withBackoff(retry, () => {
          stats.requests++;
          return fn();
        });

      // Departments, breadth first.
      const root = Number(config.rootDepartmentId);
      const departments: OrgDepartment[] = [];
      let level = [root];
      const parents = new Map<number, number | null>([[root, null]]);
      while (level.length > 0) {
        const details = await mapLimit(level, concurrency, (id) => run(() => api.departmentGet(id)));
        for (const d of details) {
          const id = d.result.dept_id;
          const parent = parents.get(id);
          departments.push({ externalId: String(id), parentExternalId: parent == null ? null : String(parent), name: d.result.name, order: d.result.order ?? 0 });
        }
        const children = await mapLimit(level, concurrency, (id) => run(() => api.departmentListSub(id)));
        const next: number[] = [];
        children.forEach((c, i) => {
          for (const child of c.result) {
            if (parents.has(child.dept_id)) continue; // defensive: a cycle would loop forever
            parents.set(child.dept_id, level[i]!);
            next.push(child.dept_id);
          }
        });
        level = next;
      }

      // Members, per department, cursor-paged.
      const members = new Map<string, OrgMember>();
      const known = new Set(departments.map((d) => d.externalId));
      await mapLimit(departments, concurrency, async (dept) => {
        let cursor = 0;
        for (;;) {
          const page = (await run(() => api.userList(Number(dept.externalId), cursor, pageSize))).result;
          for (const u of page.list) {
            const phone = toPhone(u.mobile, u.state_code);
            const seen = members.get(u.userid);
            // Only departments of the pulled tree (a member may also belong to departments outside it).
            const ids = [...(seen?.departmentExternalIds ?? []), ...u.dept_id_list.map(String).filter((d) => known.has(d))];
            const email = u.email || u.org_email;
            members.set(u.userid, {
              externalId: u.userid,
              ...(u.unionid ? { unionId: u.unionid } : {}),
              name: u.name,
              ...(email ? { email } : {}),
              ...(phone ? { phone: phone.phone } : {}),
              departmentExternalIds: ids,
              active: u.active !== false,
            });
          }
          if (!page.has_more || page.next_cursor === undefined) break;
          cursor = page.next_cursor;
        }
      });
      return snapshot(departments, members, stats);
    },
  };
}
