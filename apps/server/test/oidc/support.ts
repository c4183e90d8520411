import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../src/config/schema.js';
import type { Container } from '../../src/container/index.js';
import { boundManagementClient, startServer } from '../support/server.js';
import type { ManagementClient } from 'authing-node-sdk';

/** A free loopback port: the OIDC issuer is built from publicUrl, so it must be known before listening. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface OidcTestServer {
  url: string;
  app: FastifyInstance;
  container: Container;
  poolId: string;
  /** The vendor's ManagementClient (unmodified), signed with the root access key. */
  mgmt(): ManagementClient;
  close(): Promise<void>;
}

/** test/support/server.ts's server, but listening on a known port so publicUrl (and the issuer) are real. */
export async function startOidcServer(opts: { db?: 'sqlite' | 'postgres'; config?: Partial<Config>; extensions?: Parameters<typeof startServer>[0] extends infer O ? (O extends { extensions?: infer E } ? E : never) : never } = {}): Promise<OidcTestServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const s = await startServer({ db: opts.db, config: { port, publicUrl: url, ...opts.config }, ...(opts.extensions ? { extensions: opts.extensions } : {}) });
  return {
    url: s.url,
    app: s.app,
    container: s.container,
    poolId: s.poolId,
    // No `lang`: the client's own default, unlike startServer's en-US.
    mgmt: () => boundManagementClient({ ...s.rootKey, host: s.url }),
    close: () => s.close(),
  };
}

/** A tiny cookie jar + manual-redirect fetch, to drive the browser flow with plain HTTP requests. */
export class Browser {
  private cookies = new Map<string, string>();
  constructor(private readonly headers: Record<string, string> = {}) {}

  private store(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...this.headers, ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string>) } });
    this.store(res);
    return res;
  }

  /** Follows redirects until a page (non-3xx) or a URL starting with `stopAt` is reached. */
  async follow(url: string, stopAt: string, init: RequestInit = {}): Promise<{ res: Response; url: string }> {
    let res = await this.fetch(url, init);
    let current = url;
    for (let i = 0; i < 20 && res.status >= 300 && res.status < 400; i++) {
      const next = new URL(res.headers.get('location')!, current).toString();
      if (next.startsWith(stopAt)) return { res, url: next };
      current = next;
      res = await this.fetch(next);
    }
    return { res, url: current };
  }

  async postForm(url: string, form: Record<string, string>): Promise<Response> {
    return this.fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  }
}

/** Confirms the end-session page (`page`) as its form does: posts its xsrf token back with logout=yes. */
export async function confirmLogout(browser: Browser, page: Response, base: string): Promise<Response> {
  const html = await page.text();
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
  const action = /action="([^"]+)"/.exec(html)![1]!;
  return browser.postForm(new URL(action, base).toString(), { xsrf, logout: 'yes' });
}

export interface AuthorizeResult {
  /** The URL the flow ended at: the callback (with code or error) or the last page. */
  url: string;
  res: Response;
  /** Which hosted pages were shown on the way ('login', 'consent'). */
  shown: string[];
}

/**
 * Drives an authorization request through the hosted pages like a browser would: follows
 * redirects; on the login page posts `creds` (when given), on the consent page allows; stops at
 * a URL starting with `callback` or at a page it cannot act on.
 */
export async function authorize(browser: Browser, authUrl: string, callback: string, creds?: { account: string; password: string }): Promise<AuthorizeResult> {
  const shown: string[] = [];
  let { res, url } = await browser.follow(authUrl, callback);
  for (let i = 0; i < 5 && !url.startsWith(callback) && res.status === 200; i++) {
    const html = await res.clone().text();
    let post: Response;
    if (html.includes('name="password"')) {
      shown.push('login');
      if (!creds) break;
      post = await browser.postForm(`${url}/login`, creds);
    } else if (/action="[^"]*\/confirm"/.test(html)) {
      shown.push('consent');
      post = await browser.postForm(`${url}/confirm`, {});
    } else break;
    if (post.status !== 303) return { url, res: post, shown };
    ({ res, url } = await browser.follow(new URL(post.headers.get('location')!, url).toString(), callback));
  }
  return { url, res, shown };
}

/** OIDC Core §3.1.3.6: base64url of the left half of SHA-256 of the access token (ES256/RS256/HS256). */
export function atHash(accessToken: string): string {
  const d = createHash('sha256').update(accessToken).digest();
  return d.subarray(0, d.length / 2).toString('base64url');
}

export const PASSWORD = 'correct horse battery staple 42';

/** A user with a password in the pool (through the services, as the management API would). */
export async function seedUser(s: OidcTestServer, who: { email: string; username: string; name?: string; poolId?: string }): Promise<string> {
  const poolId = who.poolId ?? s.poolId;
  const user = await s.container.services.users.create(poolId, { email: who.email, username: who.username, name: who.name ?? who.username } as never);
  const userId = (user as { userId: string }).userId;
  const row = (await s.container.repos.users.findById(poolId, userId))!;
  await s.container.authn.passwords.set(poolId, row, PASSWORD, { skipPolicy: true });
  return userId;
}

/** Form POST helper for the token-family endpoints. */
export async function formPost(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { raw: text };
  }
  return { status: res.status, body };
}
