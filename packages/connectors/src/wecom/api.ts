/**
 * WeCom server APIs for one secret (an application's, or the contacts-sync secret): the access
 * token (cgi-bin/gettoken, cached per secret, refreshed once when WeCom says it is stale) and
 * the calls made with it. Errors are HTTP 200 `{errcode, errmsg}`.
 */
import { createHash } from 'node:crypto';
import type { SocialConnectorDeps } from '@gatehouse/connector-kit';
import { Value } from '@sinclair/typebox/value';
import type { Static, TSchema } from '@sinclair/typebox';
import { StaleAppToken, withAppToken, type AppTokenSource } from '../china-shared/app-token.js';
import { badResponse, isRecord, vendorError } from '../china-shared/errors.js';
import { getJson, postJson, withQuery, type VendorResponse } from '../china-shared/http.js';
import { STALE_APP_TOKEN, wecomErrors } from './errors.js';
import { AuthUserSchema, DepartmentListSchema, SimpleListSchema, TokenSchema, UserDetailSchema, UserGetSchema, UserListSchema } from './schema.js';

export const WECOM_LOGIN = 'https://login.work.weixin.qq.com';
export const WECOM_OPEN = 'https://open.weixin.qq.com';
export const WECOM_API = 'https://qyapi.weixin.qq.com';

export type WecomApi = ReturnType<typeof createWecomApi>;

export function createWecomApi(o: { vendor: string; corpId: string; secret: string; timeoutMs: number }, deps: SocialConnectorDeps) {
  const now = deps.now ?? (() => new Date());
  const call = { timeoutMs: o.timeoutMs };

  function read<T extends TSchema>(res: VendorResponse, schema: T, staleAppToken = false): Static<T> {
    const b = res.json;
    if (isRecord(b) && typeof b['errcode'] === 'number' && b['errcode'] !== 0) {
      const msg = typeof b['errmsg'] === 'string' ? b['errmsg'] : '';
      if (staleAppToken && STALE_APP_TOKEN.has(b['errcode'])) throw new StaleAppToken(`${o.vendor}: ${b['errcode']} ${msg}`);
      throw vendorError(o.vendor, wecomErrors, b['errcode'], msg);
    }
    if (res.status < 200 || res.status >= 300 || !Value.Check(schema, b)) throw badResponse(o.vendor, res.status);
    return b as Static<T>;
  }

  const tokenSource: AppTokenSource = {
    // one token per secret: the login app and the contacts-sync secret each have their own
    key: `wecom-token:${createHash('sha256').update(`${o.corpId}:${o.secret}`).digest('hex').slice(0, 16)}`,
    now,
    // https://developer.work.weixin.qq.com/document/path/91039
    async fetch() {
      const t = read(await getJson(deps.http, o.vendor, withQuery(`${WECOM_API}/cgi-bin/gettoken`, { corpid: o.corpId, corpsecret: o.secret }), call), TokenSchema);
      return { accessToken: t.access_token, expiresInSeconds: t.expires_in };
    },
  };

  const get = <T extends TSchema>(path: string, params: Record<string, string>, schema: T) =>
    withAppToken(deps.cache, tokenSource, async (token) => read(await getJson(deps.http, o.vendor, withQuery(`${WECOM_API}${path}`, { access_token: token, ...params }), call), schema, true));
  const post = <T extends TSchema>(path: string, body: unknown, schema: T) =>
    withAppToken(deps.cache, tokenSource, async (token) => read(await postJson(deps.http, o.vendor, withQuery(`${WECOM_API}${path}`, { access_token: token }), body, call), schema, true));

  return {
    /** auth/getuserinfo: the code → `userid` + `user_ticket` for a member, `openid` for anyone else. */
    authUser: (code: string) => get('/cgi-bin/auth/getuserinfo', { code }, AuthUserSchema),
    /** auth/getuserdetail: the member's private fields (mobile, email) with the user_ticket (scope snsapi_privateinfo). */
    userDetail: (userTicket: string) => post('/cgi-bin/auth/getuserdetail', { user_ticket: userTicket }, UserDetailSchema),
    userGet: (userid: string) => get('/cgi-bin/user/get', { userid }, UserGetSchema),
    departmentList: (rootId: string) => get('/cgi-bin/department/list', { id: rootId }, DepartmentListSchema),
    userList: (departmentId: number) => get('/cgi-bin/user/list', { department_id: String(departmentId) }, UserListSchema),
    userSimpleList: (departmentId: number) => get('/cgi-bin/user/simplelist', { department_id: String(departmentId) }, SimpleListSchema),
  };
}
