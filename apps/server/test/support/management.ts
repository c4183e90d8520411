import { expect } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import type { TestServer } from './server.js';

/**
 * Helpers for the management-API suites that drive a server through the vendor's own
 * `ManagementClient` (authing-node-sdk, unmodified).
 */

export type Envelope<T = any> = { statusCode: number; message: string; apiCode?: number; requestId?: string; data: T };

/** A signed request the client has no method for, or with a body its types would not allow. */
export const raw = (mc: ManagementClient, method: 'GET' | 'POST', url: string, payload: Record<string, unknown>): Promise<Envelope> =>
  mc.makeRequest(method === 'GET' ? { method, url, params: payload } : { method, url, data: payload });

export const ok = <T>(res: Envelope<T>): T => {
  expect(res, res.message).toMatchObject({ statusCode: 200 });
  return res.data;
};

export const refused = (res: Envelope, apiCode: number) => {
  expect(res, res.message).toMatchObject({ apiCode, data: null });
  expect(res.statusCode).not.toBe(200);
};

/** A second pool via the root key (Gatehouse's create-userpool), with a client signed by its own key. */
export async function createPool(srv: TestServer, root: ManagementClient, name: string): Promise<{ pool: any; client: ManagementClient }> {
  const pool = ok(await raw(root, 'POST', '/api/v3/create-userpool', { name }));
  return { pool, client: srv.mgmt({ accessKeyId: pool.accessKeyId, accessKeySecret: pool.accessKeySecret }) };
}
