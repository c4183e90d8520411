/**
 * A local stand-in for Feishu (accounts.feishu.cn, open.feishu.cn) and Lark
 * (accounts.larksuite.com, open.larksuite.com):
 *
 *  - authen/v1/authorize: known app, redirect URI in the app's registered list (exact match),
 *    then a code for the signed-in user, with the PKCE challenge remembered;
 *  - authen/v2/oauth/token: app credentials (20002), code unknown/used (20003), expired (20004),
 *    for another app (20024), redirect_uri equal to the authorise one, PKCE S256 (20049);
 *    errors as HTTP 400 `{code, error, error_description}`;
 *  - authen/v1/user_info: Bearer token checked (99991668 unknown, 99991677 expired);
 *  - users belong to tenants; `mobileCode()` plays the client SDK (no PKCE, no redirect URI).
 */
import { createHash } from 'node:crypto';
import { errorInjector, fakeClock, randomId, startFakeServer, type FakeRequest, type FakeResponse } from './server.js';

export interface LarkFakeApp {
  appId: string;
  appSecret: string;
  redirectUris: string[];
}

export interface LarkFakeUser {
  key: string;
  tenantKey: string;
  name?: string;
  email?: string;
  mobile?: string;
}

export const LARK_FAKE_ERRORS = {
  '20001': [400, 'invalid_request', 'The request is missing a required parameter.'],
  '20002': [400, 'invalid_client', 'The client secret is invalid.'],
  '20003': [400, 'invalid_grant', 'The authorization code is not found.'],
  '20004': [400, 'invalid_grant', 'The authorization code has expired.'],
  '20024': [400, 'invalid_grant', 'The authorization code does not belong to the client.'],
  '20049': [400, 'invalid_grant', 'PKCE verification failed.'],
  '20010': [400, 'access_denied', 'The user does not have permission to use this app.'],
  '20050': [500, 'server_error', 'An unexpected server error occurred.'],
  '99991400': [400, '', 'request trigger frequency limit'],
  '99991668': [400, '', 'Invalid access token for authorization. Please make a request with token attached.'],
  '99991677': [400, '', 'Authentication token expired.'],
} as const;
export type LarkFakeError = keyof typeof LARK_FAKE_ERRORS;

const err = (code: LarkFakeError): FakeResponse => {
  const [status, error, description] = LARK_FAKE_ERRORS[code];
  return { status, json: error ? { code: Number(code), error, error_description: description } : { code: Number(code), msg: description } };
};
const page = (status: number, text: string): FakeResponse => ({ status, text, contentType: 'text/html; charset=utf-8' });
const s256 = (v: string) => createHash('sha256').update(v).digest('base64url');

export async function startLarkFake(opts: { apps: LarkFakeApp[]; users: LarkFakeUser[] }) {
  const clock = fakeClock();
  const apps = new Map(opts.apps.map((a) => [a.appId, a]));
  const users = new Map(opts.users.map((u) => [u.key, u]));
  const codes = new Map<string, { appId: string; userKey: string; issuedAt: number; used: boolean; redirectUri?: string; challenge?: string }>();
  const tokens = new Map<string, { appId: string; userKey: string; expiresAt: number }>();
  const injector = errorInjector<LarkFakeError>();
  let browserUser: string | undefined;

  const openId = (appId: string, userKey: string) => `ou_${createHash('sha256').update(`${appId}:${userKey}`).digest('hex').slice(0, 24)}`;
  const unionId = (userKey: string) => `on_${createHash('sha256').update(`developer:${userKey}`).digest('hex').slice(0, 24)}`;

  function handle(req: FakeRequest): FakeResponse {
    const injected = injector.take(req.path);
    if (injected) return err(injected);
    const q = req.query;
    switch (`${req.method} ${req.path}`) {
      case 'GET /open-apis/authen/v1/authorize': {
        const app = apps.get(q['client_id'] ?? '');
        if (!app) return page(400, 'app not found');
        if (!app.redirectUris.includes(q['redirect_uri'] ?? '')) return page(400, 'redirect_uri is not in the allow list'); // exact match
        if (!browserUser) return page(400, 'no user is signed in to the fake (call signInAs)');
        if (q['code_challenge'] && q['code_challenge_method'] !== 'S256') return page(400, 'unsupported code_challenge_method');
        const code = randomId('', 20);
        codes.set(code, { appId: app.appId, userKey: browserUser, issuedAt: clock.now(), used: false, redirectUri: q['redirect_uri']!, ...(q['code_challenge'] ? { challenge: q['code_challenge'] } : {}) });
        const to = new URL(q['redirect_uri']!);
        to.searchParams.set('code', code);
        to.searchParams.set('state', q['state'] ?? '');
        return { redirect: to.toString() };
      }
      case 'POST /open-apis/authen/v2/oauth/token': {
        const b = (req.json() ?? {}) as Record<string, string | undefined>;
        if (b['grant_type'] !== 'authorization_code' || !b['client_id'] || !b['code']) return err('20001');
        const app = apps.get(b['client_id']);
        if (!app || b['client_secret'] !== app.appSecret) return err('20002');
        const c = codes.get(b['code']);
        if (!c || c.used) return err('20003');
        if (c.appId !== app.appId) return err('20024');
        if (clock.now() - c.issuedAt > 5 * 60_000) return err('20004');
        if (c.redirectUri && b['redirect_uri'] !== c.redirectUri) return err('20003');
        if (c.challenge && (!b['code_verifier'] || s256(b['code_verifier']) !== c.challenge)) return err('20049');
        c.used = true;
        const token = randomId('u-', 30);
        tokens.set(token, { appId: app.appId, userKey: c.userKey, expiresAt: clock.now() + 7200_000 });
        return { json: { code: 0, access_token: token, expires_in: 7200, token_type: 'Bearer', scope: '' } };
      }
      case 'GET /open-apis/authen/v1/user_info': {
        const t = tokens.get(String(req.headers['authorization'] ?? '').replace(/^Bearer /, ''));
        if (!t) return err('99991668');
        if (clock.now() > t.expiresAt) return err('99991677');
        const u = users.get(t.userKey)!;
        return {
          json: {
            code: 0,
            msg: 'success',
            data: {
              name: u.name ?? '',
              en_name: '',
              avatar_url: `https://s1-imfile.feishucdn.com/${t.userKey}`,
              open_id: openId(t.appId, t.userKey),
              union_id: unionId(t.userKey),
              tenant_key: u.tenantKey,
              ...(u.email ? { enterprise_email: u.email } : {}),
              ...(u.mobile ? { mobile: u.mobile } : {}),
              user_id: `${t.userKey}-uid`,
            },
          },
        };
      }
      default:
        return page(404, `fake Feishu has no ${req.method} ${req.path}`);
    }
  }

  const server = await startFakeServer(handle);
  const origins = ['https://accounts.feishu.cn', 'https://open.feishu.cn', 'https://accounts.larksuite.com', 'https://open.larksuite.com'];
  return {
    origin: server.origin,
    origins,
    overrides: Object.fromEntries(origins.map((o) => [o, server.origin])) as Record<string, string>,
    requests: server.requests,
    close: () => server.close(),
    advance: clock.advance,
    signInAs(userKey: string) {
      browserUser = userKey;
    },
    failNext: injector.failNext,
    openIdOf: openId,
    unionIdOf: unionId,
    mobileCode(appId: string, userKey: string) {
      const code = randomId('', 20);
      codes.set(code, { appId, userKey, issuedAt: clock.now(), used: false });
      return code;
    },
  };
}

export type LarkFake = Awaited<ReturnType<typeof startLarkFake>>;
