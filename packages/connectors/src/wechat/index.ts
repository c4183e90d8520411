export { wechatPc } from './pc.js';
export { wechatWebpage } from './webpage.js';
export { wechatMobile } from './mobile.js';
export { wechatOfficialAccount } from './official-account.js';
export { wechatMiniProgram } from './miniprogram.js';
export { wechatMiniProgramQrConnect } from './miniprogram-qrconnect.js';
export { pushSignature, encryptPush, decryptPush } from './msg-crypt.js';
export type * from './schema.js';
