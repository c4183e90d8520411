import * as oc from 'openid-client';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { AuthenticationClient } from 'authing-node-sdk';
import { ok, raw } from '../support/management.js';
import { Browser, PASSWORD, seedUser, startOidcServer, type OidcTestServer } from '../oidc/support.js';

/**
 * The `groups`, `departments` and `permissions` scopes through real OIDC flows: an authorization
 * code flow through the hosted login (openid-client, the certified relying party), userinfo on
 * both of its paths (Bearer header: the fast endpoint; query parameter: oidc-provider's own), the
 * refresh grant, and the vendor `AuthenticationClient` sign-in (the token service). A user in a
 * three-level tree with a group and grants; claims appear only when their scope is asked for and
 * the app allows it.
 */
const CB = 'http://127.0.0.1:9/cb';
const T = (v: string) => v as never;

describe('organisation claims in ID tokens and userinfo', () => {
  let s: OidcTestServer;
  let mc: ManagementClient;
  let web: { appId: string; appSecret: string };
  let narrow: { appId: string; appSecret: string };
  let config: oc.Configuration;
  let userId: string;
  let outsiderId: string;
  const ids = { sales: '', east: '', shanghai: '', hr: '' };

  beforeAll(async () => {
    s = await startOidcServer();
    mc = s.mgmt();
    const apps = s.container.services.applications;
    web = await apps.create(s.poolId, { appName: 'Portal', appType: 'web', redirectUris: [CB] } as never);
    // An app allowed only some scopes: it never gets the permissions claim.
    narrow = await apps.create(s.poolId, { appName: 'Narrow', appType: 'web', redirectUris: [CB], oidcConfig: { scope: 'openid profile groups departments offline_access' } } as never);
    userId = await seedUser(s, { email: 'ling@example.com', username: 'ling' });
    outsiderId = await seedUser(s, { email: 'out@example.com', username: 'outsider' });

    const org = ok(await mc.createOrganization({ organizationCode: 'acme', organizationName: 'Acme', metadata: {} })).organizationCode;
    const dept = async (parent: string, code: string, name: string) => ok(await mc.createDepartment({ organizationCode: org, parentDepartmentId: parent, name, code, metadata: {} })).departmentId as string;
    ids.sales = await dept('root', 'sales', 'Sales');
    ids.east = await dept(ids.sales, 'east', 'East');
    ids.shanghai = await dept(ids.east, 'shanghai', 'Shanghai');
    ids.hr = await dept('root', 'hr', 'HR');
    ok(await mc.setUserDepartments({ userId, departments: [{ departmentId: ids.shanghai, isMainDepartment: true }, { departmentId: ids.hr, isLeader: true }] }));
    ok(await mc.createGroup({ code: 'writers', name: 'Writers', description: '', type: T('STATIC') }));
    ok(await mc.addGroupMembers({ code: 'writers', userIds: [userId] }));
    const actions = (...names: string[]) => names.map((name) => ({ name, description: name }));
    ok(await mc.createResource({ code: 'order', type: T('DATA'), actions: actions('read', 'write', 'delete') }));
    ok(
      await raw(mc, 'POST', '/api/v3/authorize-resources', {
        list: [
          { targetType: 'DEPARTMENT', targetIdentifiers: [ids.sales], resources: [{ code: 'order', actions: ['read'] }], includeChildrenDepartments: true },
          { targetType: 'GROUP', targetIdentifiers: ['writers'], resources: [{ code: 'order', actions: ['write'] }] },
        ],
      }),
    );
    config = await oc.discovery(new URL(`${s.url}/oidc`), web.appId, undefined, oc.ClientSecretPost(web.appSecret), { execute: [oc.allowInsecureRequests] });
  });
  afterAll(async () => s?.close());

  /** Authorization code + PKCE through the hosted login as `account`; the token response. */
  async function codeFlow(cfg: oc.Configuration, scope: string, account = 'ling@example.com') {
    const browser = new Browser();
    const verifier = oc.randomPKCECodeVerifier();
    const nonce = oc.randomNonce();
    const url = oc.buildAuthorizationUrl(cfg, { redirect_uri: CB, scope, code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', nonce, ...(scope.includes('offline_access') ? { prompt: 'consent' } : {}) });
    let { res, url: at } = await browser.follow(url.toString(), CB);
    expect(res.status, at).toBe(200);
    const post = await browser.postForm(`${at}/login`, { account, password: PASSWORD });
    expect(post.status).toBe(303);
    ({ res, url: at } = await browser.follow(new URL(post.headers.get('location')!, at).toString(), CB));
    expect(at.startsWith(CB), at).toBe(true);
    return oc.authorizationCodeGrant(cfg, new URL(at), { pkceCodeVerifier: verifier, expectedNonce: nonce });
  }

  const expectedDepartments = () => [
    { id: ids.shanghai, code: 'shanghai', name: 'Shanghai', organizationCode: 'acme', isMainDepartment: true, isLeader: false },
    { id: ids.hr, code: 'hr', name: 'HR', organizationCode: 'acme', isMainDepartment: false, isLeader: true },
  ];
  const sortById = (l: Array<{ id: string }>) => [...l].sort((a, b) => a.id.localeCompare(b.id));

  it('releases groups, departments and permissions in the ID token and userinfo when asked for', async () => {
    const tokens = await codeFlow(config, 'openid groups departments permissions offline_access');
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(userId);
    expect(claims.groups).toEqual([{ code: 'writers', name: 'Writers' }]);
    expect(sortById(claims.departments as Array<{ id: string }>)).toEqual(sortById(expectedDepartments()));
    // The union: read inherited from "sales" (two levels up), write from the group.
    expect(claims.permissions).toEqual(['order:read', 'order:write']);
    expect(claims.permissions_truncated).toBeUndefined();

    // Userinfo through the Bearer header (the fast endpoint) and the query parameter (oidc-provider's handler): the same.
    const viaHeader = await oc.fetchUserInfo(config, tokens.access_token, userId);
    const viaQuery = (await (await fetch(`${s.url}/oidc/me?access_token=${encodeURIComponent(tokens.access_token)}`)).json()) as Record<string, unknown>;
    for (const info of [viaHeader, viaQuery]) {
      expect(info.groups).toEqual([{ code: 'writers', name: 'Writers' }]);
      expect(info.permissions).toEqual(['order:read', 'order:write']);
      expect(sortById(info.departments as Array<{ id: string }>)).toEqual(sortById(expectedDepartments()));
    }
    // The access token (RFC 9068 JWT) carries the scopes, not the memberships: userinfo reads them fresh.
    const at = decodeJwt(tokens.access_token);
    expect(at.scope).toContain('permissions');
    expect(at.groups).toBeUndefined();

    // Claims follow the current memberships: after leaving the group, a refreshed ID token and userinfo say so.
    ok(await mc.removeGroupMembers({ code: 'writers', userIds: [userId] }));
    try {
      const refreshed = await oc.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.claims()!.groups).toEqual([]);
      expect(refreshed.claims()!.permissions).toEqual(['order:read']);
      expect((await oc.fetchUserInfo(config, refreshed.access_token, userId)).permissions).toEqual(['order:read']);
    } finally {
      ok(await mc.addGroupMembers({ code: 'writers', userIds: [userId] }));
    }
  });

  it('leaves them out when not asked for, and answers empty lists for a user outside the tree', async () => {
    const plain = await codeFlow(config, 'openid profile');
    const claims = plain.claims()!;
    for (const k of ['groups', 'departments', 'permissions']) expect(claims[k], k).toBeUndefined();
    const info = await oc.fetchUserInfo(config, plain.access_token, userId);
    for (const k of ['groups', 'departments', 'permissions']) expect(info[k], k).toBeUndefined();

    const outsider = await codeFlow(config, 'openid groups departments permissions', 'out@example.com');
    expect(outsider.claims()).toMatchObject({ sub: outsiderId, groups: [], departments: [], permissions: [] });
  });

  it('releases only the scopes the app allows', async () => {
    const cfg = await oc.discovery(new URL(`${s.url}/oidc`), narrow.appId, undefined, oc.ClientSecretPost(narrow.appSecret), { execute: [oc.allowInsecureRequests] });
    const tokens = await codeFlow(cfg, 'openid groups departments');
    expect(tokens.claims()!.groups).toEqual([{ code: 'writers', name: 'Writers' }]);
    expect((tokens.claims()!.departments as unknown[]).length).toBe(2);
    // The vendor AuthenticationClient's sign-in asks for permissions too: the app does not allow it, so it is left out.
    const client = new AuthenticationClient({ appId: narrow.appId, appSecret: narrow.appSecret, appHost: s.url, redirectUri: CB });
    const signedIn = await client.signInByUsernamePassword({ username: 'ling', password: PASSWORD, options: { scope: 'openid groups permissions' } });
    expect(signedIn.statusCode, JSON.stringify(signedIn)).toBe(200);
    expect(signedIn.data.scope).toBe('openid groups');
    const id = decodeJwt(signedIn.data.id_token!);
    expect(id.groups).toEqual([{ code: 'writers', name: 'Writers' }]);
    expect(id.permissions).toBeUndefined();
    expect(id.departments).toBeUndefined();
  });

  it('puts them in the ID token of the vendor sign-in API (the token service) and bounds the permission list', async () => {
    const client = new AuthenticationClient({ appId: web.appId, appSecret: web.appSecret, appHost: s.url, redirectUri: CB });
    const signedIn = await client.signInByUsernamePassword({ username: 'ling', password: PASSWORD, options: { scope: 'openid departments permissions' } });
    expect(signedIn.statusCode, JSON.stringify(signedIn)).toBe(200);
    const id = decodeJwt(signedIn.data.id_token!);
    expect(id.permissions).toEqual(['order:read', 'order:write']);
    expect(sortById(id.departments as Array<{ id: string }>)).toEqual(sortById(expectedDepartments()));
    expect(id.groups).toBeUndefined();

    // More than 200 "resource:action" entries: the first 200 (sorted), and permissions_truncated.
    const many = Array.from({ length: 100 }, (_, i) => ({ name: `a${String(i).padStart(3, '0')}`, description: '' }));
    for (const code of ['bulk1', 'bulk2', 'bulk3']) {
      ok(await mc.createResource({ code, type: T('DATA'), actions: many }));
      ok(await mc.authorizeResources({ list: [{ targetType: T('USER'), targetIdentifiers: [userId], resources: [{ code, actions: many.map((a) => a.name), resourceType: T('DATA') }] }] }));
    }
    const big = await client.signInByUsernamePassword({ username: 'ling', password: PASSWORD, options: { scope: 'openid permissions' } });
    const bigId = decodeJwt(big.data.id_token!);
    expect((bigId.permissions as string[]).length).toBe(200);
    expect((bigId.permissions as string[])[0]).toBe('bulk1:a000');
    expect(bigId.permissions_truncated).toBe(true);
  });
});
