/**
 * Verifying and parsing official-account pushes (the server's
 * `GET|POST /connections/social/<identifier>/events`). See msg-crypt.ts for the cryptography and
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_event_pushes.html
 * for the events: scanning a parametric QR code sends `subscribe` with `EventKey = qrscene_<scene>`
 * to a new follower and `SCAN` with `EventKey = <scene>` to an existing one.
 */
import { ConnectorError, type WechatPushRequest, type WechatPushResult } from '@gatehouse/connector-kit';
import { safeEqual } from '../china-shared/compare.js';
import { parseFlatXml } from '../china-shared/xml.js';
import { decryptPush, pushSignature } from './msg-crypt.js';

export interface PushOptions {
  vendor: string;
  appId: string;
  token: string;
  encodingAESKey?: string | undefined;
  messageMode: 'plain' | 'compatible' | 'safe';
  pushMaxAgeSeconds: number;
  now: () => Date;
}

const MAX_BODY = 64 * 1024;

export function handlePush(o: PushOptions, req: WechatPushRequest): WechatPushResult {
  const fail = (why: string) => new ConnectorError('connector.invalid_token', `${o.vendor}: push refused (${why})`);
  const { signature, timestamp, nonce } = req.query;
  if (!signature || !timestamp || !nonce) throw fail('signature, timestamp or nonce missing');
  if (!/^\d{1,12}$/.test(timestamp) || nonce.length > 64) throw fail('malformed timestamp or nonce');
  if (!safeEqual(pushSignature(o.token, timestamp, nonce), signature)) throw fail('signature mismatch');
  // The timestamp is covered by the signature: an old push cannot be made to look fresh.
  if (Math.abs(o.now().getTime() / 1000 - Number(timestamp)) > o.pushMaxAgeSeconds) throw fail('timestamp outside the freshness window');

  if (req.method === 'GET') {
    const echostr = req.query['echostr'];
    if (!echostr || echostr.length > 256) throw fail('handshake without echostr');
    return { kind: 'handshake', reply: echostr };
  }

  if (req.body.length > MAX_BODY) throw fail('body too large');
  let fields = parseFlatXml(req.body);
  if (!fields) throw fail('body is not WeChat XML');
  if (req.query['encrypt_type'] === 'aes') {
    if (!o.encodingAESKey) throw fail('encrypted push but no EncodingAESKey is configured');
    const encrypted = fields['Encrypt'];
    const msgSignature = req.query['msg_signature'];
    if (!encrypted || !msgSignature) throw fail('Encrypt or msg_signature missing');
    if (!safeEqual(pushSignature(o.token, timestamp, nonce, encrypted), msgSignature)) throw fail('msg_signature mismatch');
    let inner: { xml: string; appId: string };
    try {
      inner = decryptPush(o.encodingAESKey, encrypted);
    } catch {
      throw fail('Encrypt does not decrypt');
    }
    if (!safeEqual(inner.appId, o.appId)) throw fail('ciphertext for another AppID');
    fields = parseFlatXml(inner.xml);
    if (!fields) throw fail('decrypted body is not WeChat XML');
  } else if (o.messageMode === 'safe') {
    // In safe mode WeChat always encrypts; a plain push is not from WeChat.
    throw fail('plain push while the account is in safe mode');
  }

  const from = fields['FromUserName'];
  const to = fields['ToUserName'];
  const createTime = Number(fields['CreateTime']);
  if (!from || !to || !Number.isSafeInteger(createTime)) throw fail('FromUserName, ToUserName or CreateTime missing');
  if (fields['MsgType'] !== 'event') return { kind: 'ignored', reply: 'success' };

  const event = fields['Event'] ?? '';
  const key = fields['EventKey'] ?? '';
  let sceneStr: string | undefined;
  if (event === 'subscribe' && key.startsWith('qrscene_')) sceneStr = key.slice('qrscene_'.length);
  else if (event === 'SCAN' && key) sceneStr = key;
  return {
    kind: 'event',
    event: {
      event,
      openId: from,
      account: to,
      ...(sceneStr ? { sceneStr } : {}),
      ...(fields['Ticket'] ? { ticket: fields['Ticket'] } : {}),
      createTime,
      // WeChat's advice for retried events: de-duplicate on FromUserName + CreateTime.
      dedupeKey: `${from}:${createTime}`,
    },
    reply: 'success',
  };
}
