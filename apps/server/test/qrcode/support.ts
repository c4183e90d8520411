import { createRequire } from 'node:module';
import { expect } from 'vitest';
import type { Container } from '../../src/container/index.js';
import { authClient } from '../support/server.js';

/**
 * Shared pieces of the QR-code tests (issue #6). The web side uses authing-js-sdk or the
 * node SDK's V3 methods; the mobile side signs in with the password through the vendor
 * AuthenticationClient and then calls the scan/confirm/cancel endpoints with that token.
 */
const require = createRequire(import.meta.url);

/** authing-js-sdk's AuthenticationClient, unmodified (its QR client runs in Node without a DOM as long as startScanning is not used). */
export function jsClient(opts: { appId: string; host: string }) {
  const { AuthenticationClient } = require('authing-js-sdk') as typeof import('authing-js-sdk');
  return new AuthenticationClient({ appId: opts.appId, appHost: opts.host, timeout: 10_000 });
}

export interface PoolFixture {
  poolId: string;
  appId: string;
  appSecret: string;
}

/** Makes an app usable by the token service (it currently needs a redirect URI) and returns its secret. */
export async function prepareApp(c: Container, poolId: string, appId: string): Promise<PoolFixture> {
  await c.services.applications.update(poolId, appId, { redirectUris: ['https://app.example/cb'] });
  return { poolId, appId, appSecret: await c.services.applications.getSecret(poolId, appId) };
}

export async function createUser(c: Container, poolId: string, email: string, password: string, profile: { nickname?: string; photo?: string } = {}) {
  const u = await c.services.users.create(poolId, { email, ...profile });
  const row = (await c.repos.users.findById(poolId, u.userId))!;
  await c.authn.passwords.set(poolId, row, password);
  return u.userId;
}

/** The mobile app signing its user in with the password sign-in; returns the access token. */
export async function mobileSignIn(host: string, f: PoolFixture, email: string, password: string): Promise<string> {
  const r = (await authClient({ appId: f.appId, appSecret: f.appSecret, host }).signInByEmailPassword({ email, password })) as { statusCode: number; data: { access_token: string } };
  expect(r, JSON.stringify(r)).toMatchObject({ statusCode: 200 });
  return r.data.access_token;
}

/** The mobile app's authenticated V3 client (`Authorization: <token>`, as the node SDK sends it). */
export function mobileClient(host: string, f: PoolFixture, token: string) {
  const c = authClient({ appId: f.appId, appSecret: f.appSecret, host });
  c.setAccessToken(token);
  return c;
}

/** Plain HTTP for the seed's /api/qrcode surface, which no vendor client calls. */
export async function call(host: string, method: 'GET' | 'POST', path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(host + path, {
    method,
    headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  return { http: res.status, body: (await res.json()) as { code?: number; statusCode?: number; apiCode?: number; message: string; data: any } };
}

export const basicAuth = (f: PoolFixture) => `Basic ${Buffer.from(`${f.appId}:${f.appSecret}`).toString('base64')}`;

/** Asserts a V3 envelope success and returns its data. */
export function ok<T = any>(r: unknown): T {
  expect(r, JSON.stringify(r)).toMatchObject({ statusCode: 200 });
  return (r as { data: T }).data;
}

/** The apiCode of a js-sdk rejection (its default onError throws `{ code, message, data }`). */
export async function jsErrorCode(p: Promise<unknown>): Promise<number> {
  const err = await p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: { code: number }) => e,
  );
  return err.code;
}
