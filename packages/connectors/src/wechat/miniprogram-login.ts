/**
 * Signing in from a WeChat mini program: `wx.login()` gives a single-use code, exchanged at
 * sns/jscode2session for the openid, the unionid (when bound to an Open Platform account) and a
 * session_key. The session_key decrypts the program's open data (legacy `encryptedData`/`iv`)
 * inside this call and is then dropped: it is never returned, logged or put into the profile
 * (https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/login.html says it must
 * not leave the server). The phone number comes from the newer `getPhoneNumber` code through
 * wxa/business/getuserphonenumber, or from legacy phone open data; WeChat has verified it.
 */
import { ConnectorError, type IdentityProfile } from '@gatehouse/connector-kit';
import { decryptOpenData } from '../china-shared/open-data.js';
import { toPhone, type SplitPhone } from '../china-shared/phone.js';
import type { WechatApi } from './api.js';
import { wechatId } from './profile.js';

export interface MiniProgramSignIn {
  code: string;
  encryptedData?: string | undefined;
  iv?: string | undefined;
  phoneCode?: string | undefined;
}

export async function miniProgramSignIn(api: WechatApi, vendor: string, input: MiniProgramSignIn): Promise<IdentityProfile> {
  if (Boolean(input.encryptedData) !== Boolean(input.iv)) throw new ConnectorError('connector.invalid_grant', `${vendor}: encryptedData and iv go together`);
  const session = await api.code2Session(input.code);
  let unionid = session.unionid;
  let phone: SplitPhone | undefined;
  const raw: Record<string, unknown> = { appId: api.appId, openid: session.openid };
  let nickname: string | undefined;
  let picture: string | undefined;

  if (input.encryptedData && input.iv) {
    const data = decryptOpenData(vendor, session.session_key, input.encryptedData, input.iv, api.appId);
    if (typeof data['phoneNumber'] === 'string') {
      phone = toPhone(String(data['purePhoneNumber'] ?? data['phoneNumber']), data['countryCode'] === undefined ? undefined : String(data['countryCode']));
    } else {
      // Legacy getUserInfo data: it names the openid it belongs to.
      if (data['openId'] !== undefined && data['openId'] !== session.openid) throw new ConnectorError('connector.invalid_token', `${vendor}: open data for another openid`);
      if (!unionid && typeof data['unionId'] === 'string' && data['unionId']) unionid = data['unionId'];
      if (typeof data['nickName'] === 'string' && data['nickName']) nickname = data['nickName'];
      if (typeof data['avatarUrl'] === 'string' && data['avatarUrl']) picture = data['avatarUrl'];
      for (const k of ['nickName', 'avatarUrl', 'gender', 'country', 'province', 'city', 'language']) if (data[k] !== undefined) raw[k] = data[k];
    }
  }
  if (input.phoneCode) {
    const info = await api.phoneNumber(input.phoneCode);
    phone = toPhone(info.purePhoneNumber, String(info.countryCode));
  }
  if (unionid) raw['unionid'] = unionid;
  return {
    ...wechatId({ appId: api.appId, openid: session.openid, unionid }),
    ...(phone ? { phone: phone.phone, phoneVerified: true, ...(phone.phoneCountryCode ? { phoneCountryCode: phone.phoneCountryCode } : {}) } : {}),
    ...(nickname ? { nickname, name: nickname } : {}),
    ...(picture ? { picture } : {}),
    raw,
  };
}
