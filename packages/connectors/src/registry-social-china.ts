/**
 * Social connectors of the China ecosystem, by connection `type` (the vendor SDK's
 * `CreateExtIdpConnDto.type`) and by manifest id. Adding one is a folder plus a line here.
 */
import type { ChinaSocialConnectorFactory } from './china-shared/manifest.js';
import { wechatMiniProgram, wechatMiniProgramQrConnect, wechatMobile, wechatOfficialAccount, wechatPc, wechatWebpage } from './wechat/index.js';
import { dingtalk } from './dingtalk/index.js';
import { wecom } from './wecom/index.js';
import { larkInternal, larkPublic } from './lark/index.js';
import { alipay } from './alipay/index.js';
import { qq } from './qq/index.js';
import { weibo } from './weibo/index.js';
import { baidu } from './baidu/index.js';
import { douyin, douyinMiniProgram } from './douyin/index.js';
import { yidun } from './yidun/index.js';

// Factories are generic in their config type; the registry erases it (config is validated by id).
type AnySocial = ChinaSocialConnectorFactory<any, any>;

const factories: AnySocial[] = [wechatPc, wechatWebpage, wechatMobile, wechatOfficialAccount, wechatMiniProgram, wechatMiniProgramQrConnect, dingtalk, wecom, larkInternal, larkPublic, alipay, qq, weibo, baidu, douyin, douyinMiniProgram, yidun];

export const chinaSocialConnectors: Readonly<Record<string, AnySocial>> = Object.freeze(Object.fromEntries(factories.map((f) => [f.manifest.id, f])));

export const chinaSocialConnectorsByType: Readonly<Record<string, AnySocial>> = Object.freeze(
  Object.fromEntries(factories.flatMap((f) => f.manifest.types.map((t) => [t, f] as const))),
);

/** The factory serving a connection type such as 'wechat:pc' or 'dingtalk', or undefined. */
export function getChinaSocialConnectorFactory(type: string): AnySocial | undefined {
  return Object.hasOwn(chinaSocialConnectorsByType, type) ? chinaSocialConnectorsByType[type] : undefined;
}
