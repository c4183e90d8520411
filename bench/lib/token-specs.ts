import type { RequestSpec } from './load.js';

/**
 * The requests of the userinfo and introspection scenarios, and of the isolation scenario's
 * probes (which run in a process of their own, bench/probe.ts): JWT access tokens presented in
 * rotation, every answer checked.
 */
export function tokenSpecs(accessTokens: string[], client: { appId: string; appSecret: string }): { userinfo: RequestSpec[]; introspection: RequestSpec[] } {
  let i = 0;
  const next = () => accessTokens[i++ % accessTokens.length]!;
  return {
    userinfo: [
      {
        path: '/oidc/me',
        setup: () => ({ headers: { authorization: `Bearer ${next()}` } }),
        check: (_s, b) => (b.includes('"sub"') ? undefined : b),
      },
    ],
    introspection: [
      {
        method: 'POST',
        path: '/oidc/token/introspection',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        setup: () => ({ body: new URLSearchParams({ token: next(), client_id: client.appId, client_secret: client.appSecret }).toString() }),
        check: (_s, b) => (b.includes('"active":true') ? undefined : b),
      },
    ],
  };
}
