import type { CredentialsRepo, LoginEventRow } from '../../storage/repositories/credentials.js';
import { sortableId } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';

/**
 * Login history (security.md §0 item 34): every sign-in attempt with time (UTC), IP, user agent,
 * method and result goes to `login_events` (the user-facing history). The sign-in engine also
 * emits `login` / `login:failed` events, which the audit log records. Never passwords, codes
 * or tokens; unknown identifiers are not stored.
 */
export interface LoginAttempt {
  poolId: string;
  userId: string | null;
  appId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  method: string;
  success: boolean;
  /** The catalogued error code on failure. */
  code?: string | null;
  requestId?: string | null;
}

export interface LoginHistoryItem {
  appId: string;
  appName: string;
  appLogo: string;
  appLoginUrl: string;
  clientIp: string;
  userAgent?: string;
  time: string;
  success: boolean;
  loginMethod: string;
  errorCode?: string;
}

/** One application a user is signed in to: the vendor's UserLoggedInAppsDto plus the latest sign-in's time, IP and user agent. */
export interface LoggedInApp {
  appId: string;
  appName: string;
  appLogo: string;
  appLoginUrl: string;
  lastLoginTime: string;
  clientIp: string;
  userAgent?: string;
}
/** How many of a user's latest successful sign-ins are grouped into signed-in applications. */
const LOGGED_IN_SCAN = 500;

const toItem = (r: LoginEventRow, apps: Map<string, { name: string; logo: string | null }>): LoginHistoryItem => ({
  appId: r.app_id ?? '',
  appName: (r.app_id && apps.get(r.app_id)?.name) || '',
  appLogo: (r.app_id && apps.get(r.app_id)?.logo) || '',
  appLoginUrl: '',
  clientIp: r.ip ?? '',
  ...(r.user_agent ? { userAgent: r.user_agent } : {}),
  time: r.at,
  success: r.success === 1,
  loginMethod: r.method,
  ...(r.code ? { errorCode: r.code } : {}),
});

export function createLoginHistoryService(
  repo: CredentialsRepo,
  appInfo: (poolId: string, appIds: string[]) => Promise<Map<string, { name: string; logo: string | null }>>,
  /** Writes queued rows first (batched writes, login-writes.ts), so a list shows every sign-in before it. */
  beforeRead?: () => Promise<void>,
) {
  return {
    async record(a: LoginAttempt): Promise<void> {
      const at = nowIso();
      const ua = a.userAgent ? a.userAgent.slice(0, 512) : null;
      await repo.insertLoginEvent({
        id: sortableId(),
        pool_id: a.poolId,
        user_id: a.userId,
        app_id: a.appId ?? null,
        at,
        ip: a.ip ?? null,
        user_agent: ua,
        method: a.method,
        success: a.success ? 1 : 0,
        code: a.code ?? null,
        request_id: a.requestId ?? null,
      });
    },
    async list(
      poolId: string,
      q: { userId: string; appId?: string; clientIp?: string; success?: boolean; start?: number; end?: number; page: number; limit: number },
    ): Promise<{ totalCount: number; list: LoginHistoryItem[] }> {
      await beforeRead?.();
      const { rows, total } = await repo.listLoginEvents(poolId, {
        userId: q.userId,
        ...(q.appId ? { appId: q.appId } : {}),
        ...(q.clientIp ? { ip: q.clientIp } : {}),
        ...(q.success !== undefined ? { success: q.success } : {}),
        ...(q.start !== undefined ? { start: new Date(q.start).toISOString() } : {}),
        ...(q.end !== undefined ? { end: new Date(q.end).toISOString() } : {}),
        offset: (q.page - 1) * q.limit,
        limit: q.limit,
      });
      const apps = await appInfo(poolId, [...new Set(rows.map((r) => r.app_id).filter((x): x is string => !!x))]);
      return { totalCount: total, list: rows.map((r) => toItem(r, apps)) };
    },

    /**
     * The applications a user is signed in to (vendor get-user-loggedin-apps): each app with a
     * successful sign-in since the user's sessions were last revoked (`since`, epoch ms: forced
     * logout, password change, MFA reset), newest first, with the time, IP and user agent (the
     * device) of its latest sign-in. The latest LOGGED_IN_SCAN sign-ins are looked at.
     */
    async loggedInApps(poolId: string, userId: string, since: number | undefined): Promise<LoggedInApp[]> {
      await beforeRead?.();
      const { rows } = await repo.listLoginEvents(poolId, { userId, success: true, ...(since !== undefined ? { start: new Date(since + 1).toISOString() } : {}), offset: 0, limit: LOGGED_IN_SCAN });
      const latest = new Map<string, LoginEventRow>();
      for (const r of rows) if (r.app_id && !latest.has(r.app_id)) latest.set(r.app_id, r);
      const apps = await appInfo(poolId, [...latest.keys()]);
      return [...latest.values()].map((r) => {
        const { appId, appName, appLogo, appLoginUrl, clientIp, userAgent, time } = toItem(r, apps);
        return { appId, appName, appLogo, appLoginUrl, lastLoginTime: time, clientIp, ...(userAgent ? { userAgent } : {}) };
      });
    },
  };
}
export type LoginHistoryService = ReturnType<typeof createLoginHistoryService>;
