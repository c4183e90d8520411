/**
 * The WeChat server APIs the connectors call, for one app (AppID + AppSecret). Every response is
 * checked for `errcode` first (WeChat answers errors as HTTP 200) and then against a schema.
 * Calls that carry the app access token in the URL retry once with a fresh token when WeChat says
 * it is stale (`withAppToken`).
 */
import { ConnectorError, type AppAccessTokenInfo, type HttpInitWithEncoding, type SocialConnectorDeps, vendorRequest } from '@gatehouse/connector-kit';
import { Value } from '@sinclair/typebox/value';
import type { Static, TSchema } from '@sinclair/typebox';
import { appToken, StaleAppToken, withAppToken, type AppTokenSource } from '../china-shared/app-token.js';
import { badResponse, isRecord, vendorError } from '../china-shared/errors.js';
import { getJson, postJson, withQuery, type VendorResponse } from '../china-shared/http.js';
import { STALE_APP_TOKEN, wechatErrors } from './errors.js';
import {
  AppTokenSchema,
  CgiUserInfoSchema,
  Code2SessionSchema,
  PhoneNumberSchema,
  QrCodeSchema,
  SnsTokenSchema,
  SnsUserInfoSchema,
} from './schema.js';

export const WECHAT_API = 'https://api.weixin.qq.com';
export const WECHAT_OPEN = 'https://open.weixin.qq.com';
export const WECHAT_MP = 'https://mp.weixin.qq.com';

export interface WechatApiOptions {
  vendor: string;
  appId: string;
  appSecret: string;
  timeoutMs: number;
}

export type WechatApi = ReturnType<typeof createWechatApi>;

export function createWechatApi(o: WechatApiOptions, deps: SocialConnectorDeps) {
  const now = deps.now ?? (() => new Date());
  const call = { timeoutMs: o.timeoutMs };

  /** Throws for `{"errcode": non-zero}` (StaleAppToken for a stale app token when `staleAppToken`). */
  function throwIfErrcode(body: unknown, staleAppToken: boolean): void {
    if (isRecord(body) && typeof body['errcode'] === 'number' && body['errcode'] !== 0) {
      const code = body['errcode'];
      const msg = typeof body['errmsg'] === 'string' ? body['errmsg'] : '';
      if (staleAppToken && STALE_APP_TOKEN.has(code)) throw new StaleAppToken(`${o.vendor}: ${code} ${msg}`);
      throw vendorError(o.vendor, wechatErrors, code, msg);
    }
  }

  function read<T extends TSchema>(res: VendorResponse, schema: T, staleAppToken = false): Static<T> {
    throwIfErrcode(res.json, staleAppToken);
    if (res.status < 200 || res.status >= 300 || !Value.Check(schema, res.json)) throw badResponse(o.vendor, res.status);
    return res.json as Static<T>;
  }

  const tokenSource: AppTokenSource = {
    key: 'wechat-app-token',
    now,
    // https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Get_access_token.html
    async fetch() {
      const url = withQuery(`${WECHAT_API}/cgi-bin/token`, { grant_type: 'client_credential', appid: o.appId, secret: o.appSecret });
      const t = read(await getJson(deps.http, o.vendor, url, call), AppTokenSchema);
      return { accessToken: t.access_token, expiresInSeconds: t.expires_in };
    },
  };

  const withToken = <T>(fn: (token: string) => Promise<T>) => withAppToken(deps.cache, tokenSource, fn);

  return {
    appId: o.appId,

    /** sns/oauth2/access_token: the user's code (website, mobile app, webpage authorization) → token + openid (+ unionid). */
    async snsAccessToken(code: string) {
      const url = withQuery(`${WECHAT_API}/sns/oauth2/access_token`, { appid: o.appId, secret: o.appSecret, code, grant_type: 'authorization_code' });
      const t = read(await getJson(deps.http, o.vendor, url, call), SnsTokenSchema);
      // WeChat's "snapshot page" mode hands out a virtual openid for a user who has not really
      // authorised (is_snapshotuser = 1); it must not become an account.
      if (t.is_snapshotuser === 1) throw new ConnectorError('connector.not_allowed', `${o.vendor}: snapshot-mode virtual user`);
      return t;
    },

    /** sns/userinfo with the user's access token. */
    async snsUserInfo(accessToken: string, openid: string, lang: string) {
      const url = withQuery(`${WECHAT_API}/sns/userinfo`, { access_token: accessToken, openid, lang });
      const u = read(await getJson(deps.http, o.vendor, url, call), SnsUserInfoSchema);
      if (u.openid !== openid) throw new ConnectorError('connector.invalid_response', `${o.vendor}: userinfo for another openid`);
      return u;
    },

    appToken: (): Promise<AppAccessTokenInfo> => appToken(deps.cache, tokenSource),

    /** sns/jscode2session: the mini program's wx.login() code → openid, session_key (+ unionid). */
    async code2Session(code: string) {
      const url = withQuery(`${WECHAT_API}/sns/jscode2session`, { appid: o.appId, secret: o.appSecret, js_code: code, grant_type: 'authorization_code' });
      return read(await getJson(deps.http, o.vendor, url, call), Code2SessionSchema);
    },

    /** wxa/business/getuserphonenumber: the getPhoneNumber code → the phone, with the watermark checked. */
    async phoneNumber(phoneCode: string) {
      const info = await withToken(async (token) => {
        const url = withQuery(`${WECHAT_API}/wxa/business/getuserphonenumber`, { access_token: token });
        return read(await postJson(deps.http, o.vendor, url, { code: phoneCode }, call), PhoneNumberSchema, true).phone_info;
      });
      // The code could have been issued to another mini program; WeChat stamps the app it was issued for.
      if (info.watermark.appid !== o.appId) throw new ConnectorError('connector.invalid_token', `${o.vendor}: phone watermark.appid is not this app's`);
      return info;
    },

    /** cgi-bin/qrcode/create with QR_STR_SCENE (temporary, string scene). */
    async createQrCode(sceneStr: string, expireSeconds: number) {
      return withToken(async (token) => {
        const url = withQuery(`${WECHAT_API}/cgi-bin/qrcode/create`, { access_token: token });
        const body = { expire_seconds: expireSeconds, action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: sceneStr } } };
        return read(await postJson(deps.http, o.vendor, url, body, call), QrCodeSchema, true);
      });
    },

    /** cgi-bin/user/info: a follower's openid → unionid (nickname and avatar are no longer returned). */
    async followerInfo(openid: string) {
      return withToken(async (token) => {
        const url = withQuery(`${WECHAT_API}/cgi-bin/user/info`, { access_token: token, openid, lang: 'zh_CN' });
        return read(await getJson(deps.http, o.vendor, url, call), CgiUserInfoSchema, true);
      });
    },

    /** wxa/getwxacodeunlimit: a mini-program code image; errors come back as JSON instead of an image. */
    async miniProgramCode(body: { scene: string; page?: string; env_version: string; width: number; check_path: boolean }) {
      return withToken(async (token) => {
        const url = withQuery(`${WECHAT_API}/wxa/getwxacodeunlimit`, { access_token: token });
        const init: HttpInitWithEncoding = {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify(body),
          timeoutMs: o.timeoutMs,
          responseEncoding: 'base64',
        };
        const res = await vendorRequest(deps.http, o.vendor, url, init);
        const bytes = Buffer.from(res.text, 'base64');
        const type = res.headers['content-type'] ?? '';
        if (type.includes('json') || bytes[0] === 0x7b /* '{' */) {
          let json: unknown;
          try {
            json = JSON.parse(bytes.toString('utf8'));
          } catch {
            json = undefined;
          }
          throwIfErrcode(json, true);
          throw badResponse(o.vendor, res.status, 'mini-program code');
        }
        const png = bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
        const jpeg = bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]));
        if (res.status !== 200 || (!png && !jpeg)) throw badResponse(o.vendor, res.status, 'mini-program code image');
        return { image: new Uint8Array(bytes), contentType: png ? 'image/png' : 'image/jpeg' };
      });
    },
  };
}
