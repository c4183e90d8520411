/**
 * Official-account push security (https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html,
 * "消息加解密说明" https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html):
 *
 *  - signature     = sha1(sort([Token, timestamp, nonce]).join(''))           on every push and on the GET handshake
 *  - msg_signature = sha1(sort([Token, timestamp, nonce, Encrypt]).join(''))  in compatible and safe mode
 *  - Encrypt       = base64(AES-256-CBC(key, iv = key[0..16], no padding)(
 *                      random(16) ‖ uint32be(len(msg)) ‖ msg ‖ AppID ‖ PKCS#7 padding to a multiple of 32))
 *    with key = base64decode(EncodingAESKey + '=') (32 bytes).
 *
 * The AppID inside the plaintext must be ours: a ciphertext of another account that shares the
 * key cannot be replayed here. The signatures are compared in constant time. What this does not
 * protect against: a leaked Token (anyone can then sign plain pushes — use safe mode), and a
 * captured push replayed within the freshness window (the server de-duplicates events and its
 * QR scenes are single use).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export function pushSignature(...parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

function aesKey(encodingAESKey: string): Buffer {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  if (key.length !== 32) throw new Error('EncodingAESKey must decode to 32 bytes');
  return key;
}

/** Decrypts `Encrypt`; returns the inner XML and the AppID found after it. Throws on any malformation. */
export function decryptPush(encodingAESKey: string, encrypted: string): { xml: string; appId: string } {
  const key = aesKey(encodingAESKey);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > 32 || plain.length < 20 + pad) throw new Error('bad padding');
  const content = plain.subarray(16, plain.length - pad);
  const len = content.readUInt32BE(0);
  if (len > content.length - 4) throw new Error('bad length');
  return { xml: content.subarray(4, 4 + len).toString('utf8'), appId: content.subarray(4 + len).toString('utf8') };
}

/** Encrypts a message the way WeChat does (used for encrypted replies and by the test fake). */
export function encryptPush(encodingAESKey: string, appId: string, xml: string, random: Buffer = randomBytes(16)): string {
  const key = aesKey(encodingAESKey);
  const msg = Buffer.from(xml, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length, 0);
  const body = Buffer.concat([random, len, msg, Buffer.from(appId, 'utf8')]);
  const pad = 32 - (body.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([body, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}
