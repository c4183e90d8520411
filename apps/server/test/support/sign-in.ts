import { expect } from 'vitest';
import type { TestServer } from './server.js';

/** Helpers for the suites that sign users in through the authentication API. */

/** Asserts a vendor-envelope success and hands back the response, its `data` untyped. */
export const ok = <T,>(r: T) => {
  expect(r, JSON.stringify(r)).toMatchObject({ statusCode: 200 });
  return r as T & { data: any };
};

/**
 * Readies the pool's default app for sign-in: registers a redirect URI (the OIDC token service
 * needs one on the client) and returns the app's client secret.
 */
export async function prepareDefaultApp(s: TestServer): Promise<string> {
  const appSecret = await s.container.services.applications.getSecret(s.poolId, s.defaultAppId);
  await s.container.services.applications.update(s.poolId, s.defaultAppId, { redirectUris: ['https://app.example/cb'] });
  return appSecret;
}
