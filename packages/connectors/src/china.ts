/** The China identity-provider connectors, their registry and the organisation-sync clients. */
export * from './registry-social-china.js';
export * from './wechat/index.js';
export type { ChinaSocialConnectorFactory } from './china-shared/manifest.js';
export { dingtalk, createDingtalkOrgSync } from './dingtalk/index.js';
export type { DingtalkConfigInput, DingtalkOrgSyncConfigInput } from './dingtalk/schema.js';
export { wecom, createWecomOrgSync } from './wecom/index.js';
export type { WecomConfigInput, WecomOrgSyncConfigInput } from './wecom/schema.js';
export { larkInternal, larkPublic } from './lark/index.js';
export type { LarkConfigInput } from './lark/schema.js';
export { alipay } from './alipay/index.js';
export type { AlipayConfigInput } from './alipay/schema.js';
export { qq } from './qq/index.js';
export { weibo } from './weibo/index.js';
export { baidu } from './baidu/index.js';
export type { QqConfigInput } from './qq/schema.js';
export type { WeiboConfigInput } from './weibo/schema.js';
export type { BaiduConfigInput } from './baidu/schema.js';
