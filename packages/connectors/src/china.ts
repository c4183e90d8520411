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
