/**
 * DingTalk server APIs for one application (AppKey + AppSecret): the current OAuth 2.0 user
 * token and profile on api.dingtalk.com, and the organisation APIs on oapi.dingtalk.com that
 * take the application's access token (cached, refreshed once when DingTalk says it is stale).
 */
import { createHmac } from 'node:crypto';
import type { SocialConnectorDeps } from '@gatehouse/connector-kit';
import { Value } from '@sinclair/typebox/value';
import type { Static, TSchema } from '@sinclair/typebox';
import { StaleAppToken, withAppToken, type AppTokenSource } from '../china-shared/app-token.js';
import { badResponse, isRecord, vendorError } from '../china-shared/errors.js';
import { getJson, postJson, withQuery, type VendorResponse } from '../china-shared/http.js';
import { dingtalkApiErrors, dingtalkOapiErrors, STALE_APP_TOKEN } from './errors.js';
import { AppTokenSchema, ByUnionIdSchema, DeptSchema, MeSchema, SnsUserSchema, SubDeptsSchema, UserPageSchema, UserTokenSchema } from './schema.js';

export const DINGTALK_LOGIN = 'https://login.dingtalk.com';
export const DINGTALK_API = 'https://api.dingtalk.com';
export const DINGTALK_OAPI = 'https://oapi.dingtalk.com';

export interface DingtalkApiOptions {
  vendor: string;
  appKey: string;
  appSecret: string;
  timeoutMs: number;
}

export type DingtalkApi = ReturnType<typeof createDingtalkApi>;

export function createDingtalkApi(o: DingtalkApiOptions, deps: SocialConnectorDeps) {
  const now = deps.now ?? (() => new Date());
  const call = { timeoutMs: o.timeoutMs };

  /** api.dingtalk.com: success is 2xx; an error is `{code, message}` with a 4xx/5xx status. */
  function readApi<T extends TSchema>(res: VendorResponse, schema: T): Static<T> {
    if (res.status < 200 || res.status >= 300) {
      const b = res.json;
      if (isRecord(b) && typeof b['code'] === 'string') throw vendorError(o.vendor, dingtalkApiErrors, b['code'], typeof b['message'] === 'string' ? b['message'] : '');
      throw badResponse(o.vendor, res.status);
    }
    if (!Value.Check(schema, res.json)) throw badResponse(o.vendor, res.status);
    return res.json as Static<T>;
  }

  /** oapi.dingtalk.com: HTTP 200 with `{errcode, errmsg}`; errcode 0 is success. */
  function readOapi<T extends TSchema>(res: VendorResponse, schema: T, staleAppToken = false): Static<T> {
    const b = res.json;
    if (isRecord(b) && typeof b['errcode'] === 'number' && b['errcode'] !== 0) {
      const msg = typeof b['errmsg'] === 'string' ? b['errmsg'] : '';
      if (staleAppToken && STALE_APP_TOKEN.has(b['errcode'])) throw new StaleAppToken(`${o.vendor}: ${b['errcode']} ${msg}`);
      throw vendorError(o.vendor, dingtalkOapiErrors, b['errcode'], msg);
    }
    if (res.status < 200 || res.status >= 300 || !Value.Check(schema, b)) throw badResponse(o.vendor, res.status);
    return b as Static<T>;
  }

  const tokenSource: AppTokenSource = {
    key: 'dingtalk-app-token',
    now,
    // https://open.dingtalk.com/document/orgapp/obtain-the-access_token-of-an-internal-app
    async fetch() {
      const t = readApi(await postJson(deps.http, o.vendor, `${DINGTALK_API}/v1.0/oauth2/accessToken`, { appKey: o.appKey, appSecret: o.appSecret }, call), AppTokenSchema);
      return { accessToken: t.accessToken, expiresInSeconds: t.expireIn };
    },
  };

  const oapi = <T extends TSchema>(path: string, body: unknown, schema: T) =>
    withAppToken(deps.cache, tokenSource, async (token) =>
      readOapi(await postJson(deps.http, o.vendor, withQuery(`${DINGTALK_OAPI}${path}`, { access_token: token }), body, call), schema, true),
    );

  return {
    /** POST v1.0/oauth2/userAccessToken: the authCode → the user's token (and the organisation they chose). */
    async userToken(code: string) {
      const body = { clientId: o.appKey, clientSecret: o.appSecret, code, grantType: 'authorization_code' };
      return readApi(await postJson(deps.http, o.vendor, `${DINGTALK_API}/v1.0/oauth2/userAccessToken`, body, call), UserTokenSchema);
    },

    /** GET v1.0/contact/users/me with the user's token. */
    async me(userAccessToken: string) {
      return readApi(await getJson(deps.http, o.vendor, `${DINGTALK_API}/v1.0/contact/users/me`, { ...call, headers: { 'x-acs-dingtalk-access-token': userAccessToken } }), MeSchema);
    },

    /**
     * Legacy mobile SNS code (`isSnsCode: true`): sns/getuserinfo_bycode, signed with
     * signature = base64(HMAC-SHA256(AppSecret, timestamp)) over the millisecond timestamp.
     * https://open.dingtalk.com/document/orgapp/obtain-the-user-information-based-on-the-sns-temporary-authorization
     */
    async snsUser(code: string) {
      const timestamp = String(now().getTime());
      const signature = createHmac('sha256', o.appSecret).update(timestamp).digest('base64');
      const url = withQuery(`${DINGTALK_OAPI}/sns/getuserinfo_bycode`, { accessKey: o.appKey, timestamp, signature });
      return readOapi(await postJson(deps.http, o.vendor, url, { tmp_auth_code: code }, call), SnsUserSchema);
    },

    /** topapi/user/getbyunionid: the member's userid in this organisation (60121 for a non-member). */
    byUnionId: (unionid: string) => oapi('/topapi/user/getbyunionid', { unionid }, ByUnionIdSchema),
    departmentGet: (deptId: number) => oapi('/topapi/v2/department/get', { dept_id: deptId, language: 'zh_CN' }, DeptSchema),
    departmentListSub: (deptId: number) => oapi('/topapi/v2/department/listsub', { dept_id: deptId, language: 'zh_CN' }, SubDeptsSchema),
    userList: (deptId: number, cursor: number, size: number) => oapi('/topapi/v2/user/list', { dept_id: deptId, cursor, size, contain_access_limit: false, language: 'zh_CN' }, UserPageSchema),
  };
}
