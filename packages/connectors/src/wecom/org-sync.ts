/**
 * WeCom organisation sync: department/list returns the whole subtree in one call; members come
 * per department from user/list (details included) or, with `members: 'simplelist'`, from
 * user/simplelist followed by user/get for each member. A member in several departments is one
 * member with all of them. Calls back off on WeCom's frequency limits (45009, 45033) and
 * system-busy answers, at most `concurrency` at a time; the result is sorted so that two pulls
 * of an unchanged organisation are equal. Members missing from a pull are gone upstream: the
 * server blocks, never deletes, their users.
 *
 * Note: WeCom returns mobile and email to the contacts-sync secret (and to applications created
 * before 2022-06-20); other application secrets get names and departments only.
 * https://developer.work.weixin.qq.com/document/path/90208 (department/list)
 * https://developer.work.weixin.qq.com/document/path/90201 (user/list)
 */
import { validateConfig, type OrgDepartment, type OrgMember, type OrgSyncClient, type SocialConnectorDeps } from '@gatehouse/connector-kit';
import { snapshot } from '../china-shared/org.js';
import { toPhone } from '../china-shared/phone.js';
import { mapLimit, realSleep, withBackoff, type RetryOptions } from '../china-shared/retry.js';
import { createWecomApi } from './api.js';
import { WecomOrgSyncConfigSchema, type WecomOrgSyncConfig, type WecomOrgSyncConfigInput } from './schema.js';

const VENDOR = 'wecom-org';

export interface WecomOrgSyncOptions {
  concurrency?: number;
  maxRetries?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export function createWecomOrgSync(rawConfig: WecomOrgSyncConfigInput, deps: SocialConnectorDeps, opts: WecomOrgSyncOptions = {}): OrgSyncClient {
  const config = validateConfig<WecomOrgSyncConfig>({ id: VENDOR, kind: 'social', name: VENDOR, configSchema: WecomOrgSyncConfigSchema, secretFields: ['secret'] }, rawConfig);
  const api = createWecomApi({ vendor: VENDOR, corpId: config.corpId, secret: config.secret, timeoutMs: config.timeoutMs }, deps);
  const concurrency = opts.concurrency ?? 4;

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

      const root = config.rootDepartmentId;
      const list = (await run(() => api.departmentList(root))).department;
      const departments: OrgDepartment[] = list.map((d) => ({
        externalId: String(d.id),
        parentExternalId: String(d.id) === root || d.parentid === 0 ? null : String(d.parentid),
        name: d.name ?? '',
        order: d.order ?? 0,
      }));
      const known = new Set(departments.map((d) => d.externalId));

      const members = new Map<string, OrgMember>();
      const add = (u: { userid: string; name: string; department: number[]; status?: number; mobile?: string; email?: string; biz_mail?: string }) => {
        const seen = members.get(u.userid);
        const phone = toPhone(u.mobile || undefined);
        const email = u.email || u.biz_mail;
        members.set(u.userid, {
          externalId: u.userid,
          name: u.name,
          ...(email ? { email } : {}),
          ...(phone ? { phone: phone.phone } : {}),
          departmentExternalIds: [...(seen?.departmentExternalIds ?? []), ...u.department.map(String).filter((d) => known.has(d))],
          // 1 active; 2 disabled, 4 not activated, 5 departed
          active: u.status === undefined ? true : u.status === 1,
        });
      };

      if (config.members === 'list') {
        const pages = await mapLimit(list, concurrency, (d) => run(() => api.userList(d.id)));
        for (const p of pages) for (const u of p.userlist) add(u);
      } else {
        const pages = await mapLimit(list, concurrency, (d) => run(() => api.userSimpleList(d.id)));
        const ids = [...new Set(pages.flatMap((p) => p.userlist.map((u) => u.userid)))];
        const details = await mapLimit(ids, concurrency, (id) => run(() => api.userGet(id)));
        for (const u of details) add(u);
      }
      return snapshot(departments, members, stats);
    },
  };
}
