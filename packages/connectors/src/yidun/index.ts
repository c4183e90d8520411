/**
 * `yidun` — NetEase Yidun one-click login (网易易盾号码认证·一键登录). The app's Yidun SDK asks the
 * carrier for the device's number and gets a Yidun `token` and the carrier's `accessToken`
 * (both valid two minutes); the app sends them to `signin-by-mobile` (`connection: 'yidun'`,
 * `yidunPayload {token, accessToken}`), and this connector asks Yidun (oneclick/check) for the
 * verified number. The request is signed: every parameter except `signature`, sorted by name,
 * concatenated as name+value, followed by the SecretKey, MD5 (hex) — with a fresh 32-character
 * nonce and a millisecond timestamp against replay.
 * https://support.dun.163.com/documents/287305921855672320?docId=288803729972580352 (check)
 * https://support.dun.163.com/documents/287305921855672320?docId=289953034527756288 (规范说明, signing, codes)
 *
 * The identity id is the verified E.164 number: the server signs in the account holding that
 * number (manifest `signsInByVerifiedPhone`), or registers one with it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ConnectorError, validateConfig } from '@gatehouse/connector-kit';
import { Value } from '@sinclair/typebox/value';
import type { ChinaSocialConnectorFactory } from '../china-shared/manifest.js';
import { badResponse, flowNotSupported, isRecord, requiredString, vendorError } from '../china-shared/errors.js';
import { postForm } from '../china-shared/http.js';
import { toPhone } from '../china-shared/phone.js';
import { yidunErrors } from './errors.js';
import { ResponseSchema, YidunConfigSchema, type YidunConfig, type YidunConfigInput } from './schema.js';

const VENDOR = 'yidun';
export const YIDUN_CHECK = 'https://ye.dun.163yun.com/v1/oneclick/check';

export function yidunSignature(params: Record<string, string>, secretKey: string): string {
  const content = Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}${params[k]}`)
    .join('');
  return createHash('md5').update(content + secretKey, 'utf8').digest('hex');
}

export const yidun: ChinaSocialConnectorFactory<YidunConfigInput> = {
  manifest: {
    id: VENDOR,
    kind: 'social',
    name: 'NetEase Yidun one-click login (网易易盾一键登录)',
    configSchema: YidunConfigSchema,
    secretFields: ['secretKey'],
    types: ['yidun'],
    flows: ['mobile'],
    mobileConnections: ['yidun'],
    docs: ['https://support.dun.163.com/documents/287305921855672320?docId=288803729972580352'],
    trustsVerifiedEmail: false,
    // The carrier-verified number is the proof: its existing account signs in (docs/identity-providers-china.md).
    signsInByVerifiedPhone: true,
  },
  create(rawConfig, deps) {
    const config = validateConfig<YidunConfig>(yidun.manifest, rawConfig);
    const now = deps.now ?? (() => new Date());
    return {
      manifest: yidun.manifest,
      async authorizationUrl() {
        throw flowNotSupported(VENDOR, 'a browser redirect');
      },
      async handleCallback() {
        throw flowNotSupported(VENDOR, 'a browser redirect');
      },
      /** `yidunPayload`: `{ token, accessToken }`. */
      async handleMobile(payload) {
        const params: Record<string, string> = {
          secretId: config.secretId,
          businessId: config.businessId,
          version: 'v1',
          timestamp: String(now().getTime()),
          nonce: randomBytes(16).toString('hex'),
          token: requiredString(VENDOR, payload, 'token'),
          accessToken: requiredString(VENDOR, payload, 'accessToken'),
        };
        params['signature'] = yidunSignature(params, config.secretKey);
        const res = await postForm(deps.http, VENDOR, YIDUN_CHECK, params, { timeoutMs: config.timeoutMs });
        const b = res.json;
        if (res.status < 200 || res.status >= 300 || !isRecord(b) || !Value.Check(ResponseSchema, b)) throw badResponse(VENDOR, res.status);
        if (b.code !== 200) throw vendorError(VENDOR, yidunErrors, b.code, b.msg ?? '');
        // The carrier did not give the number (token expired or used, not a mobile-data connection…).
        const phone = toPhone(b.data?.phone || undefined, '86');
        if (!phone) throw new ConnectorError('connector.invalid_grant', `${VENDOR}: no phone number (resultCode ${String(b.data?.resultCode ?? '-')})`);
        return { id: phone.phone, phone: phone.phone, phoneVerified: true, phoneCountryCode: '+86', raw: { phone: phone.phone } };
      },
    };
  },
};
