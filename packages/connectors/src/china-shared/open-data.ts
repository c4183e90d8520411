/**
 * Mini-program open data (`encryptedData` + `iv`), as WeChat and Douyin mini programs return it
 * from `getUserProfile`/`getPhoneNumber`: AES-128-CBC with PKCS#7 padding, key = base64-decoded
 * `session_key`, IV = base64-decoded `iv`; the plaintext is JSON with a `watermark.appid`.
 * WeChat: https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/signature.html
 * Douyin: https://developer.open-douyin.com/docs/resource/zh-CN/mini-app/develop/server/data-signature
 *
 * The watermark is what stops open data taken from another mini program (encrypted with a session
 * of that program) from being replayed here: its appid must be ours. This does not protect
 * against a replay of our own program's data within its session; the session is fresh per login
 * because the caller always exchanges a new code first.
 */
import { createDecipheriv } from 'node:crypto';
import { ConnectorError } from '@gatehouse/connector-kit';

export function decryptOpenData(vendor: string, sessionKey: string, encryptedData: string, iv: string, appId: string): Record<string, unknown> {
  const key = Buffer.from(sessionKey, 'base64');
  const ivBuf = Buffer.from(iv, 'base64');
  if (key.length !== 16 || ivBuf.length !== 16) throw new ConnectorError('connector.invalid_token', `${vendor}: open data key or iv has the wrong length`);
  let text: string;
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, ivBuf);
    text = Buffer.concat([decipher.update(Buffer.from(encryptedData, 'base64')), decipher.final()]).toString('utf8');
  } catch (err) {
    throw new ConnectorError('connector.invalid_token', `${vendor}: open data does not decrypt with this session`, { cause: err });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ConnectorError('connector.invalid_token', `${vendor}: open data is not JSON`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ConnectorError('connector.invalid_token', `${vendor}: open data is not an object`);
  const wm = (data as { watermark?: { appid?: unknown } }).watermark;
  if (!wm || wm.appid !== appId) throw new ConnectorError('connector.invalid_token', `${vendor}: open data watermark.appid is not this app's`);
  return data as Record<string, unknown>;
}
