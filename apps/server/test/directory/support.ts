import { expect } from 'vitest';
import type { TestServer } from '../support/server.js';
import { authClient } from '../support/server.js';

/**
 * Directory connections through the vendor's own ManagementClient (create-ext-idp,
 * create-ext-idp-conn, change-ext-idp-conn-state), as an administrator would make them.
 */
type Env = { statusCode: number; message: string; apiCode?: number; data: any };
export const ok = <T extends Env>(r: T): T['data'] => {
  expect(r.statusCode, `${r.apiCode} ${r.message}`).toBe(200);
  return r.data;
};

let seq = 0;
export async function createDirectoryConnection(
  s: TestServer,
  o: { type: 'ldap' | 'ad'; fields: Record<string, unknown>; displayName?: string; appIds?: string[] },
): Promise<{ extIdpId: string; connId: string }> {
  const mc = s.mgmt();
  const idp = ok((await mc.createExtIdp({ name: `${o.type} directory ${++seq}`, type: o.type as never })) as Env);
  const conn = ok(
    (await mc.createExtIdpConn({ extIdpId: idp.id, type: o.type as never, identifier: `${o.type}-${seq}-${Math.random().toString(36).slice(2, 7)}`, displayName: o.displayName ?? `Corp ${o.type.toUpperCase()}`, fields: o.fields })) as Env,
  );
  if (o.appIds?.length) ok((await mc.makeRequest({ method: 'POST', url: '/api/v3/change-ext-idp-conn-state', data: { id: conn.id, enabled: true, appIds: o.appIds } })) as Env);
  return { extIdpId: idp.id, connId: conn.id };
}

/** A new application of the pool (each directory connection type is enabled once per app). */
export async function createApp(s: TestServer, extra: Record<string, unknown> = {}): Promise<{ appId: string; secret: string }> {
  const r = ok((await s.mgmt().createApplication({ appName: `Dir app ${++seq}`, appType: 'web', redirectUris: ['http://127.0.0.1:9/cb'], ...extra } as never)) as Env);
  return { appId: r.appId, secret: await s.container.services.applications.getSecret(s.poolId, r.appId) };
}

export const clientOf = (s: TestServer, app: { appId: string; secret: string }) => authClient({ appId: app.appId, appSecret: app.secret, host: s.url });

/** The `reason` of the latest `login:failed` audit events, newest first (the specific refusal recorded for the administrator). */
export async function failureReasons(s: TestServer, limit = 20): Promise<string[]> {
  const events = await s.container.services.audit.list(s.poolId, limit, 'login:failed');
  return events.map((e) => String((JSON.parse(e.data) as { reason?: unknown }).reason ?? ''));
}

/**
 * Runs `fn` (a refused sign-in) and returns the reason it recorded. Listeners run after `emit`
 * returns (services/events), so the audit row may land a moment after the answer: wait for it.
 */
export async function reasonOf(s: TestServer, fn: () => Promise<unknown>): Promise<string> {
  const count = async () => (await s.container.services.audit.list(s.poolId, 500, 'login:failed')).length;
  const before = await count();
  await fn();
  await expect.poll(count).toBeGreaterThan(before);
  return (await failureReasons(s, 1))[0]!;
}

export const claimsOf = (idToken: string): Record<string, unknown> => JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
