/**
 * `alipay` — Alipay (支付宝) login for websites and apps:
 *
 *  - browser: openauth.alipay.com/oauth2/publicAppAuthorize.htm (scope auth_user or auth_base);
 *    Alipay redirects back with `auth_code` (and `app_id`, which must be ours);
 *  - mobile (`signin-by-mobile`, `connection: 'alipay'`, `alipayPayload {code}`): the auth code of
 *    the Alipay SDK, started with the signed `authInfo` string (`alipay.authInfo(targetId)`,
 *    served by `/api/v3/get-alipay-authinfo`);
 *  - the code goes to `alipay.system.oauth.token`, the profile comes from
 *    `alipay.user.info.share`; both are RSA2-signed requests to the gateway, and both responses'
 *    signatures are verified with the Alipay public key.
 *
 * The identity id is `user_id` (2088…) or, for applications created after Alipay's openid
 * migration, `open_id` — whichever the gateway returns for this app; it is stable per app.
 * https://opendocs.alipay.com/open/263/105809 (web), https://opendocs.alipay.com/open/218/105325 (app authInfo)
 */
import type { KeyObject } from 'node:crypto';
import { ConnectorError, validateConfig, type IdentityProfile, type SocialConnectorDeps, type WithAlipay } from '@gatehouse/connector-kit';
import { Value } from '@sinclair/typebox/value';
import type { Static, TSchema } from '@sinclair/typebox';
import type { ChinaSocialConnectorFactory } from '../china-shared/manifest.js';
import { badResponse, isRecord, refusedOnCallback, requiredString, vendorError } from '../china-shared/errors.js';
import { postForm } from '../china-shared/http.js';
import { alipayErrorTable } from './errors.js';
import { AlipayConfigSchema, ErrorFields, TokenSchema, UserInfoSchema, type AlipayConfig, type AlipayConfigInput } from './schema.js';
import { alipayTimestamp, loadPrivateKey, loadPublicKey, rawJsonValue, rsa2Sign, rsa2Verify, stringToSign } from './sign.js';

const VENDOR = 'alipay';
export const ALIPAY_AUTH = 'https://openauth.alipay.com';
export const ALIPAY_GATEWAY = 'https://openapi.alipay.com/gateway.do';

export const alipay: ChinaSocialConnectorFactory<AlipayConfigInput, WithAlipay> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'Alipay login (支付宝登录)',
    configSchema: AlipayConfigSchema,
    secretFields: ['privateKey'],
    types: ['alipay'],
    flows: ['redirect', 'mobile'],
    mobileConnections: ['alipay'],
    docs: ['https://opendocs.alipay.com/open/263/105809', 'https://opendocs.alipay.com/open/218/105325', 'https://opendocs.alipay.com/common/02mse7'],
    trustsVerifiedEmail: false,
  },
  create(rawConfig, deps) {
    const config = validateConfig<AlipayConfig>(alipay.manifest, rawConfig);
    let privateKey: KeyObject;
    let publicKey: KeyObject;
    try {
      privateKey = loadPrivateKey(config.privateKey);
      publicKey = loadPublicKey(config.alipayPublicKey);
    } catch (err) {
      throw new ConnectorError('connector.invalid_config', `${VENDOR}: privateKey or alipayPublicKey is not an RSA key`, { cause: err });
    }
    const gateway = createGateway(config, deps, privateKey, publicKey);
    const signIn = async (code: string): Promise<IdentityProfile> => {
      const token = await gateway('alipay.system.oauth.token', { grant_type: 'authorization_code', code }, TokenSchema);
      const id = token.user_id || token.open_id;
      if (!id) throw new ConnectorError('connector.invalid_response', `${VENDOR}: token without user_id or open_id`);
      const raw: Record<string, unknown> = { ...(token.user_id ? { user_id: token.user_id } : {}), ...(token.open_id ? { open_id: token.open_id } : {}) };
      if (config.scope === 'auth_base') return { id, raw };
      const info = await gateway('alipay.user.info.share', { auth_token: token.access_token }, UserInfoSchema);
      if ((info.user_id && token.user_id && info.user_id !== token.user_id) || (info.open_id && token.open_id && info.open_id !== token.open_id)) {
        throw new ConnectorError('connector.invalid_response', `${VENDOR}: user info for another user`);
      }
      for (const k of ['nick_name', 'avatar', 'gender', 'province', 'city'] as const) if (info[k]) raw[k] = info[k];
      return { id, ...(info.nick_name ? { nickname: info.nick_name, name: info.nick_name } : {}), ...(info.avatar ? { picture: info.avatar } : {}), raw };
    };
    return {
      manifest: alipay.manifest,
      async authorizationUrl(req) {
        const url = new URL(`${ALIPAY_AUTH}/oauth2/publicAppAuthorize.htm`);
        url.searchParams.set('app_id', config.appId);
        url.searchParams.set('scope', config.scope);
        url.searchParams.set('redirect_uri', req.redirectUri);
        url.searchParams.set('state', req.state);
        return url.toString();
      },
      async handleCallback(input) {
        const refused = refusedOnCallback(VENDOR, input.params, ['auth_code']);
        if (refused) throw refused;
        if (input.params['app_id'] && input.params['app_id'] !== config.appId) throw new ConnectorError('connector.invalid_grant', `${VENDOR}: callback for another app_id`);
        return signIn(requiredString(VENDOR, input.params, 'auth_code'));
      },
      /** `alipayPayload`: `{ code }`. */
      async handleMobile(payload) {
        return signIn(requiredString(VENDOR, payload, 'code'));
      },
      alipay: {
        authInfo(targetId) {
          if (!config.pid) throw new ConnectorError('connector.invalid_config', `${VENDOR}: authInfo needs the merchant pid`);
          if (!/^[A-Za-z0-9_-]{1,32}$/.test(targetId)) throw new ConnectorError('connector.invalid_config', `${VENDOR}: targetId must be 1–32 characters [A-Za-z0-9_-]`);
          // https://opendocs.alipay.com/open/218/105327: the signed string, then &sign=<url-encoded signature>
          const params = {
            apiname: 'com.alipay.account.auth',
            app_id: config.appId,
            app_name: 'mc',
            auth_type: 'AUTHACCOUNT',
            biz_type: 'openservice',
            method: 'alipay.open.auth.sdk.code.get',
            pid: config.pid,
            product_id: 'APP_FAST_LOGIN',
            scope: 'kuaijie',
            sign_type: 'RSA2',
            target_id: targetId,
          };
          const content = stringToSign(params);
          return `${content}&sign=${encodeURIComponent(rsa2Sign(content, privateKey))}`;
        },
      },
    };
  },
};

function createGateway(config: AlipayConfig, deps: SocialConnectorDeps, privateKey: KeyObject, publicKey: KeyObject) {
  const now = deps.now ?? (() => new Date());
  return async function gateway<T extends TSchema>(method: string, params: Record<string, string>, schema: T): Promise<Static<T>> {
    const form: Record<string, string> = {
      app_id: config.appId,
      method,
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: alipayTimestamp(now()),
      version: '1.0',
      ...params,
    };
    form['sign'] = rsa2Sign(stringToSign(form), privateKey);
    const res = await postForm(deps.http, VENDOR, ALIPAY_GATEWAY, form, { timeoutMs: config.timeoutMs });
    const key = `${method.replaceAll('.', '_')}_response`;
    const body = res.json;
    if (res.status < 200 || res.status >= 300 || !isRecord(body)) throw badResponse(VENDOR, res.status);
    const sign = typeof body['sign'] === 'string' ? body['sign'] : undefined;
    const which = body[key] !== undefined ? key : body['error_response'] !== undefined ? 'error_response' : undefined;
    if (!which) throw badResponse(VENDOR, res.status);
    const rawValue = rawJsonValue(res.text, which);
    const signedOk = sign !== undefined && rawValue !== undefined && rsa2Verify(rawValue, sign, publicKey);
    const inner = body[which];
    const err = Value.Check(ErrorFields, inner) ? inner : {};
    const failed = which === 'error_response' || (err.code !== undefined && err.code !== '10000');
    if (failed) {
      // An unsigned error is still an error (the gateway does not sign some of them); a signed one must verify.
      if (sign !== undefined && !signedOk) throw new ConnectorError('connector.invalid_token', `${VENDOR}: response signature does not verify`);
      const sub = err.sub_code ?? '';
      throw vendorError(VENDOR, alipayErrorTable(err.code ?? ''), sub || (err.code ?? 'unknown'), `${err.code ?? ''} ${err.sub_msg ?? err.msg ?? ''}`.trim());
    }
    if (!signedOk) throw new ConnectorError('connector.invalid_token', `${VENDOR}: ${sign === undefined ? 'unsigned' : 'forged'} ${key}`);
    if (!Value.Check(schema, inner)) throw badResponse(VENDOR, res.status);
    return inner as Static<T>;
  };
}
