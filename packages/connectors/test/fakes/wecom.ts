/**
 * A local stand-in for WeCom (login.work.weixin.qq.com, open.weixin.qq.com for the in-client
 * OAuth page, qyapi.weixin.qq.com), answering errors as HTTP 200 `{errcode, errmsg}`:
 *
 *  - login pages: CorpID and AgentId known, redirect URI on the agent's trusted domain, then a
 *    code for the signed-in person (`signInAs`), bound to that agent, single use, 5 minutes; the
 *    framed login panel (`redirect_type=top`) waits for `scanEmbedded` and navigates the top
 *    window to the redirect URI;
 *  - gettoken per secret (40013 CorpID, 40001 secret), tokens expire (`advance()`);
 *  - auth/getuserinfo: `userid` + `user_ticket` for members, only `openid` for outsiders;
 *    auth/getuserdetail with the ticket; user/get (status 2 for inactive members);
 *  - department/list (the whole subtree), user/list and user/simplelist per department;
 *  - an optional frequency limit (45009 on every n-th call) to exercise back-off.
 */
import { createHash } from 'node:crypto';
import { errorInjector, fakeClock, randomId, startFakeServer, type FakeRequest, type FakeResponse } from './server.js';
import { generateOrg, type FakeOrg } from './org.js';
import { embeddedPages } from './embedded-page.js';

export interface WecomFakeAgent {
  agentId: string;
  secret: string;
  redirectDomain?: string;
}

export interface WecomFakeOptions {
  corpId: string;
  agents: WecomFakeAgent[];
  /** The contacts-sync secret (通讯录同步). */
  contactSecret?: string;
  org?: FakeOrg;
  /** People who can scan but are not members (they get an openid). */
  outsiders?: string[];
  rateLimitEvery?: number;
}

export const WECOM_FAKE_ERRCODES = {
  '-1': 'system busy',
  '40001': 'invalid secret',
  '40013': 'invalid corpid',
  '40014': 'invalid access_token',
  '40029': 'invalid code',
  '40056': 'invalid agentid',
  '42001': 'access_token expired',
  '45009': 'api freq out of limit',
  '45033': 'api concurrent out of limit',
  '48002': 'api forbidden',
  '50001': 'redirect_url not authorised',
  '60011': 'no privilege to access/modify contact/party/agent',
  '60020': 'not allow to access from your ip',
  '60111': 'invalid string value `userid`',
  '60123': 'invalid party id',
} as const;
export type WecomFakeErrcode = keyof typeof WECOM_FAKE_ERRCODES;

const err = (code: WecomFakeErrcode): FakeResponse => ({ json: { errcode: Number(code), errmsg: `${WECOM_FAKE_ERRCODES[code]}, hint: [${randomId('', 6)}]` } });
const ok = (body: Record<string, unknown>): FakeResponse => ({ json: { errcode: 0, errmsg: 'ok', ...body } });
const page = (status: number, text: string): FakeResponse => ({ status, text, contentType: 'text/html; charset=utf-8' });

export async function startWecomFake(opts: WecomFakeOptions) {
  const clock = fakeClock();
  const org = opts.org ?? generateOrg();
  const agents = new Map(opts.agents.map((a) => [a.agentId, a]));
  const secrets = new Map<string, string | null>([...opts.agents.map((a) => [a.secret, a.agentId] as [string, string]), ...(opts.contactSecret ? [[opts.contactSecret, null] as [string, null]] : [])]);
  const codes = new Map<string, { agentId: string; userKey: string; issuedAt: number; used: boolean }>();
  const tickets = new Map<string, { userid: string; expiresAt: number }>();
  const tokens = new Map<string, { agentId: string | null; expiresAt: number }>();
  const injector = errorInjector<WecomFakeErrcode>();
  const stats = { calls: 0, tokensIssued: 0, rateLimited: 0 };
  let browserUser: string | undefined;
  // The login panel (createWWLoginPanel, redirect_type=top): navigates the top window after the scan.
  const framed = embeddedPages('top-navigation');

  const member = (userKey: string) => org.members.find((m) => m.userKey === userKey);
  const openid = (userKey: string) => `wo${createHash('sha256').update(userKey).digest('hex').slice(0, 26)}`;

  function issueCode(agentId: string, userKey: string) {
    const code = randomId('', 20);
    codes.set(code, { agentId, userKey, issuedAt: clock.now(), used: false });
    return code;
  }

  function loginPage(req: FakeRequest, agentId: string | undefined, corpId: string | undefined): FakeResponse {
    if (corpId !== opts.corpId) return page(400, 'appid 参数错误');
    const agent = agents.get(agentId ?? '');
    if (!agent) return page(400, 'agentid 参数错误');
    let redirect: URL;
    try {
      redirect = new URL(req.query['redirect_uri'] ?? '');
    } catch {
      return page(400, 'redirect_uri 参数错误');
    }
    if (redirect.host !== agent.redirectDomain) return page(400, 'redirect_uri 需与应用可信域名一致');
    if (req.query['redirect_type'] === 'top') {
      return framed.page((userKey, state) => {
        const to = new URL(redirect);
        to.searchParams.set('code', issueCode(agent.agentId, userKey));
        to.searchParams.set('state', state ?? req.query['state'] ?? '');
        return to.toString();
      });
    }
    if (!browserUser) return page(400, 'no user is signed in to the fake (call signInAs)');
    redirect.searchParams.set('code', issueCode(agent.agentId, browserUser));
    redirect.searchParams.set('state', req.query['state'] ?? '');
    return { redirect: redirect.toString() };
  }

  function handle(req: FakeRequest): FakeResponse {
    const q = req.query;
    const polled = framed.poll(req);
    if (polled) return polled;
    if (req.path === '/wwlogin/sso/login') {
      if (q['login_type'] !== 'CorpApp') return page(400, 'login_type 参数错误');
      return loginPage(req, q['agentid'], q['appid']);
    }
    if (req.path === '/connect/oauth2/authorize') {
      if (q['scope'] !== 'snsapi_base' && q['scope'] !== 'snsapi_privateinfo') return page(400, 'scope 参数错误');
      return loginPage(req, q['agentid'], q['appid']);
    }
    stats.calls++;
    const injected = injector.take(req.path);
    if (injected) return err(injected);
    if (opts.rateLimitEvery && stats.calls % opts.rateLimitEvery === 0 && req.path !== '/cgi-bin/gettoken') {
      stats.rateLimited++;
      return err('45009');
    }
    if (req.path === '/cgi-bin/gettoken') {
      if (q['corpid'] !== opts.corpId) return err('40013');
      const agentId = secrets.get(q['corpsecret'] ?? '');
      if (agentId === undefined) return err('40001');
      const token = randomId('wt', 30);
      tokens.set(token, { agentId, expiresAt: clock.now() + 7200_000 });
      stats.tokensIssued++;
      return ok({ access_token: token, expires_in: 7200 });
    }
    const t = tokens.get(q['access_token'] ?? '');
    if (!t) return err('40014');
    if (clock.now() > t.expiresAt) return err('42001');
    switch (`${req.method} ${req.path}`) {
      case 'GET /cgi-bin/auth/getuserinfo': {
        const c = codes.get(q['code'] ?? '');
        if (!c || c.used || c.agentId !== t.agentId || clock.now() - c.issuedAt > 5 * 60_000) return err('40029');
        c.used = true;
        const m = member(c.userKey);
        if (!m) return ok({ openid: openid(c.userKey) });
        const ticket = randomId('tk', 24);
        tickets.set(ticket, { userid: m.userid, expiresAt: clock.now() + 1800_000 });
        return ok({ userid: m.userid, user_ticket: ticket, expires_in: 1800 });
      }
      case 'POST /cgi-bin/auth/getuserdetail': {
        const ticket = tickets.get(String((req.json() as { user_ticket?: unknown } | undefined)?.user_ticket ?? ''));
        if (!ticket || clock.now() > ticket.expiresAt) return err('40029');
        const m = org.members.find((x) => x.userid === ticket.userid)!;
        return ok({ userid: m.userid, gender: '0', avatar: `https://wework.qpic.cn/${m.userid}/0`, qr_code: '', mobile: m.mobile, ...(m.email ? { email: m.email } : {}), biz_mail: `${m.userid}@corp.example.com` });
      }
      case 'GET /cgi-bin/user/get': {
        const m = org.members.find((x) => x.userid === q['userid']);
        if (!m) return err('60111');
        return ok({ userid: m.userid, name: m.name, department: m.departments, position: '', status: m.active ? 1 : 2 });
      }
      case 'GET /cgi-bin/department/list': {
        const rootId = q['id'] ? Number(q['id']) : 1;
        if (!org.departments.some((d) => d.id === rootId)) return err('60123');
        const out: FakeOrg['departments'] = [];
        const walk = (id: number) => {
          const d = org.departments.find((x) => x.id === id)!;
          out.push(d);
          for (const c of org.departments.filter((x) => x.parentId === id)) walk(c.id);
        };
        walk(rootId);
        return ok({ department: out.map((d) => ({ id: d.id, name: d.name, parentid: d.parentId ?? 0, order: d.order, department_leader: [] })) });
      }
      case 'GET /cgi-bin/user/list':
      case 'GET /cgi-bin/user/simplelist': {
        const dept = Number(q['department_id']);
        if (!org.departments.some((d) => d.id === dept)) return err('60123');
        const list = org.members.filter((m) => m.departments.includes(dept));
        const simple = req.path.endsWith('simplelist');
        return ok({
          userlist: list.map((m) =>
            simple
              ? { userid: m.userid, name: m.name, department: m.departments, open_userid: `ou${m.userid}` }
              : { userid: m.userid, name: m.name, department: m.departments, order: m.departments.map(() => 0), position: '', mobile: m.mobile, ...(m.email ? { email: m.email } : {}), status: m.active ? 1 : 2, main_department: m.departments[0] },
          ),
        });
      }
      default:
        return page(404, `fake WeCom has no ${req.method} ${req.path}`);
    }
  }

  const server = await startFakeServer(handle);
  const origins = ['https://login.work.weixin.qq.com', 'https://open.weixin.qq.com', 'https://qyapi.weixin.qq.com'];
  return {
    origin: server.origin,
    origins,
    overrides: Object.fromEntries(origins.map((o) => [o, server.origin])) as Record<string, string>,
    requests: server.requests,
    stats,
    org,
    close: () => server.close(),
    advance: clock.advance,
    signInAs(userKey: string) {
      browserUser = userKey;
    },
    failNext: injector.failNext,
    /** The person scans the framed login panel last shown (`state`: answer with a forged state instead). */
    scanEmbedded: (userKey: string, opts?: { state?: string }) => framed.scan(userKey, opts),
    /** The code the WeCom SDK's SSO hands a native app. */
    mobileCode: (agentId: string, userKey: string) => issueCode(agentId, userKey),
    removeMember(userid: string) {
      const i = org.members.findIndex((m) => m.userid === userid);
      if (i >= 0) org.members.splice(i, 1);
    },
  };
}

export type WecomFake = Awaited<ReturnType<typeof startWecomFake>>;
