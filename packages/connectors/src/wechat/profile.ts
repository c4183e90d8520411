/**
 * WeChat users → IdentityProfile. One person has a different openid in every WeChat app, and one
 * unionid across the apps bound to the same Open Platform account (website, mobile app, official
 * account, mini program). The identity id is therefore `unionid ?? openid`: with the apps bound
 * (the recommended setup), every WeChat connection of the pool yields the same id and `unionId`,
 * so the server recognises the person across `wechat:pc`, `wechat:mobile`, the official account
 * and the mini program. An app that is not bound yields its openid; binding it later changes the
 * id it returns, which is why the server also matches identities on `unionId` (and the docs ask to
 * bind the apps before going live). The openid and the AppID stay in `raw` so the per-app id is
 * never lost.
 */
import type { IdentityProfile } from '@gatehouse/connector-kit';
import type { SnsUserInfo } from './schema.js';

export interface WechatIds {
  appId: string;
  openid: string;
  unionid?: string | undefined;
}

export function wechatId(ids: WechatIds): Pick<IdentityProfile, 'id' | 'unionId'> {
  return ids.unionid ? { id: ids.unionid, unionId: ids.unionid } : { id: ids.openid };
}

export function snsProfile(appId: string, user: SnsUserInfo, tokenUnionId?: string): IdentityProfile {
  const unionid = user.unionid || tokenUnionId || undefined;
  const raw: Record<string, unknown> = { appId, openid: user.openid };
  if (unionid) raw['unionid'] = unionid;
  for (const k of ['nickname', 'sex', 'province', 'city', 'country', 'headimgurl'] as const) if (user[k] !== undefined && user[k] !== '') raw[k] = user[k];
  return {
    ...wechatId({ appId, openid: user.openid, unionid }),
    ...(user.nickname ? { nickname: user.nickname, name: user.nickname } : {}),
    ...(user.headimgurl ? { picture: user.headimgurl } : {}),
    raw,
  };
}

/** Profile when only the ids are known (snsapi_base, official-account follower, mini program). */
export function idsProfile(ids: WechatIds, extra: Record<string, unknown> = {}): IdentityProfile {
  const raw: Record<string, unknown> = { appId: ids.appId, openid: ids.openid, ...extra };
  if (ids.unionid) raw['unionid'] = ids.unionid;
  return { ...wechatId(ids), raw };
}
