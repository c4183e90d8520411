import { expect } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { ok } from './management.js';
import { authClient } from './server.js';
import { Browser, type OidcTestServer } from '../oidc/support.js';
import { connectSource, deliver, popupMessageOf, toProvider, type PopupMessage } from '../federation/support.js';

/**
 * What the China provider tests share (test/china/*): one server mapped onto several vendor
 * fakes, a connection per type created through the vendor ManagementClient, the browser round
 * trip (a code taken from one callback can be replayed into another, as an attacker would), the
 * native app's `signInByMobile` through the vendor AuthenticationClient, and what a sign-in left
 * behind (the user, its identities, the token's subject).
 */

/** GATEHOUSE_UPSTREAM_OVERRIDES for several fakes at once (their vendor origins do not overlap). */
export function overridesOf(...fakes: Array<{ overrides: Record<string, string> }>): string {
  return JSON.stringify(Object.assign({}, ...fakes.map((f) => f.overrides)));
}

/** The `sub` of a JWT (our access and ID tokens). */
export function subOf(jwt: string): string {
  return (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
}

export interface ChinaConnection {
  identifier: string;
  appId: string;
  appSecret: string;
  connId: string;
  extIdpId: string;
}

/** A source + connection of `type`, enabled for a new application (federation/support.ts `connectSource`). */
export async function connect(gh: OidcTestServer, mc: ManagementClient, type: string, identifier: string, fields: Record<string, unknown>, extra: { idpType?: string; loginOnly?: boolean } = {}): Promise<ChinaConnection> {
  // The source type of a connection type, as services/identity-sources/catalog.ts `sourceTypeOf` says.
  const idpType = extra.idpType ?? (type.startsWith('lark-') ? 'lark' : type.split(':')[0]!);
  const c = await connectSource(gh, mc, { type, identifier, displayName: identifier, fields, ...extra, idpType });
  return { identifier, ...c };
}

/** The browser sent to the provider and back: the callback URL (not yet opened), in browser `b`. */
export async function toCallback(gh: OidcTestServer, b: Browser, conn: ChinaConnection, upstreamOrigin: string): Promise<URL> {
  const back = await toProvider(b, { gh, start: `${gh.url}/connections/social/${conn.identifier}?app_id=${conn.appId}`, upstreamOrigin });
  expect(back.url, 'the provider redirected back').toBeTruthy();
  return new URL(back.url!);
}

/** Opens a callback URL in `b`: the popup's message. */
export async function openCallback(b: Browser, url: URL): Promise<PopupMessage> {
  return popupMessageOf(await deliver(b, { url: url.toString() }));
}

/** A refusal shown before any sign-in (a bad state): the page names the catalogued error, with no 500. */
export async function expectRefusedPage(res: Response, code: string): Promise<void> {
  const html = await res.text();
  expect(res.status, html.slice(0, 300)).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(html, html.slice(0, 300)).toContain(code);
  expect(html).not.toContain('"code":200');
}

/** A popup message that refused with `code` (e.g. 'federation.upstream_refused') and its apiCode. */
export function expectRefused(m: PopupMessage, code: string, apiCode: number): void {
  expect(m, JSON.stringify(m)).toMatchObject({ message: code, apiCode, data: null });
}

/** A successful popup message: its user id, after checking the tokens it carries are for that user. */
export function signedInUser(m: PopupMessage): string {
  expect(m, JSON.stringify(m)).toMatchObject({ code: 200, data: { userId: expect.any(String), token: expect.any(String) } });
  expect(subOf(m.data!.tokens!.access_token)).toBe(m.data!.userId);
  return m.data!.userId;
}

export type MobileResult = { statusCode: number; apiCode?: number; message: string; userId?: string; accessToken?: string };

/**
 * `POST /api/v3/signin-by-mobile` through the vendor AuthenticationClient, as a native app calls it:
 * `connection` (e.g. 'alipay') and its payload field (e.g. `alipayPayload`).
 */
export async function mobileSignIn(gh: OidcTestServer, conn: ChinaConnection, connection: string, payloadField: string, payload: Record<string, unknown>): Promise<MobileResult> {
  const ac = authClient({ appId: conn.appId, appSecret: conn.appSecret, host: gh.url });
  const r = (await ac.signInByMobile({ extIdpConnidentifier: conn.identifier, connection: connection as never, [payloadField]: payload, client_id: conn.appId, client_secret: conn.appSecret } as never)) as { statusCode: number; apiCode?: number; message: string; data: { access_token?: string } | null };
  const accessToken = r.data?.access_token;
  return { statusCode: r.statusCode, message: r.message, ...(r.apiCode !== undefined ? { apiCode: r.apiCode } : {}), ...(accessToken ? { accessToken, userId: subOf(accessToken) } : {}) };
}

/** A mobile sign-in that succeeded: the user id (the access token's subject). */
export function mobileUser(r: MobileResult): string {
  expect(r, JSON.stringify(r)).toMatchObject({ statusCode: 200, accessToken: expect.any(String) });
  return r.userId!;
}

/** A mobile sign-in refused with a catalogued error: 4xx/502, never 500, and the apiCode. */
export function expectMobileRefused(r: MobileResult, apiCode: number): void {
  expect(r.apiCode, JSON.stringify(r)).toBe(apiCode);
  expect(r.statusCode).not.toBe(200);
  expect(r.statusCode).not.toBe(500);
}

export async function identitiesOf(mc: ManagementClient, userId: string): Promise<Array<{ type: string; userIdInIdp: string; userInfoInIdp: Record<string, unknown>; extIdpId: string }>> {
  return ok(await mc.getUserIdentities({ userId })) as never;
}

export async function userOf(mc: ManagementClient, userId: string): Promise<Record<string, unknown>> {
  return ok(await mc.getUser({ userId })) as never;
}

export { Browser };
