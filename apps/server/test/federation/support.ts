import { expect } from 'vitest';
import type { ManagementClient } from 'authing-node-sdk';
import { ok } from '../support/management.js';
import { Browser, type OidcTestServer } from '../oidc/support.js';

/**
 * What the provider tests share: a source + connection created through the vendor
 * ManagementClient and enabled for a new app, and the popup round trip driven by plain HTTP
 * (a cookie-keeping "browser") — including the providers that answer with an auto-submitted
 * form (Apple's `response_mode=form_post`, SAML's HTTP-POST binding), which are posted back to
 * the callback exactly as a browser would.
 */
export interface PopupMessage {
  code: number;
  message: string;
  apiCode?: number;
  data: { userId: string; email?: string | null; token?: string; tokens?: { access_token: string; id_token?: string } } | null;
}

export async function connectSource(gh: OidcTestServer, mc: ManagementClient, c: { type: string; idpType?: string; identifier: string; displayName: string; fields: Record<string, unknown>; loginOnly?: boolean }): Promise<{ appId: string; appSecret: string; connId: string; extIdpId: string }> {
  const app = (await gh.container.services.applications.create(gh.poolId, { appName: `${c.displayName} app`, appType: 'web', redirectUris: ['http://127.0.0.1:1/cb'] } as never)) as { appId: string; appSecret: string };
  const idp = ok(await mc.createExtIdp({ name: c.displayName, type: (c.idpType ?? c.type) as never }));
  const conn = ok(await mc.createExtIdpConn({ extIdpId: idp.id, type: c.type as never, identifier: c.identifier, displayName: c.displayName, fields: c.fields, ...(c.loginOnly ? { loginOnly: true } : {}) }));
  ok(await mc.changeExtIdpConnState({ id: conn.id, enabled: true, appId: app.appId }));
  return { appId: app.appId, appSecret: app.appSecret, connId: conn.id, extIdpId: idp.id };
}

/** The auto-submitted form of a form_post answer: its action and fields. */
export function autoPostFormOf(html: string): { action: string; fields: Record<string, string> } | undefined {
  const unesc = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  const form = /<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const fields: Record<string, string> = {};
  for (const m of form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[unesc(m[1]!)] = unesc(m[2]!);
  return { action: unesc(form[1]!), fields };
}

/** The message the popup page would post to its opener. */
export async function popupMessageOf(res: Response): Promise<PopupMessage> {
  const html = await res.text();
  const m = /var m=(\{.*?\});var o=/.exec(html);
  if (!m) throw new Error(`no popup message (status ${res.status}): ${html.slice(0, 400)}`);
  return JSON.parse(m[1]!.replace(/\\u003c/g, '<')) as PopupMessage;
}

/**
 * Runs the browser up to the provider's answer at our callback: the start URL, the provider's
 * pages (`tweak` may change the authorization URL, e.g. to choose the user), then either a
 * redirect to the callback (`{ url }`) or an auto-posted form to it (`{ form }`).
 */
export async function toProvider(b: Browser, o: { gh: OidcTestServer; start: string; upstreamOrigin: string; tweak?: (u: URL) => void }): Promise<{ url?: string; form?: { action: string; fields: Record<string, string> } }> {
  const first = await b.fetch(o.start);
  const location = first.headers.get('location');
  if (!location) throw new Error(`start did not redirect (status ${first.status}): ${(await first.text()).slice(0, 400)}`);
  const to = new URL(location);
  expect(to.origin).toBe(o.upstreamOrigin); // GATEHOUSE_UPSTREAM_OVERRIDES rewrote the browser redirect too
  o.tweak?.(to);
  const { res, url } = await b.follow(to.toString(), `${o.gh.url}/connections/social/`);
  if (url.startsWith(`${o.gh.url}/connections/social/`)) return { url };
  const form = autoPostFormOf(await res.text());
  if (!form) throw new Error(`the provider did not send the browser back (at ${url}, status ${res.status})`);
  return { form };
}

/** Delivers the provider's answer to our callback as the browser would; the final page. */
export async function deliver(b: Browser, back: { url?: string; form?: { action: string; fields: Record<string, string> } }): Promise<Response> {
  if (back.url) return b.fetch(back.url);
  const posted = await b.postForm(back.form!.action, back.form!.fields);
  // The POST is parked and the browser sent on with a 303 to a GET that carries the binding cookie (flows/social/state.ts `park`).
  expect(posted.status).toBe(303);
  return b.fetch(new URL(posted.headers.get('location')!, back.form!.action).toString());
}

/** One popup round trip in a fresh browser: the message for the opener. */
export async function popupSignIn(o: { gh: OidcTestServer; identifier: string; appId: string; upstreamOrigin: string; tweak?: (u: URL) => void }): Promise<PopupMessage> {
  const b = new Browser();
  const back = await toProvider(b, { ...o, start: `${o.gh.url}/connections/social/${o.identifier}?app_id=${o.appId}` });
  return popupMessageOf(await deliver(b, back));
}

export async function userCount(gh: OidcTestServer): Promise<number> {
  return Number((await gh.container.db.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).where('pool_id', '=', gh.poolId).executeTakeFirstOrThrow()).n);
}
