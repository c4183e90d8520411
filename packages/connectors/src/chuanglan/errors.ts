/**
 * Chuanglan 253 submit status codes → connector errors, from the "253云通讯 PaaS 短信云接口说明
 * (JSON 版)" status-code table (https://www.253.com/#/document/1; also shipped as a .docx in
 * https://github.com/cl253/chuanglan253-java).
 */
import type { VendorErrorTable } from '@gatehouse/connector-kit';

export const chuanglanErrors: VendorErrorTable = {
  exact: {
    '101': 'connector.auth_failed', // 无此用户
    '102': 'connector.auth_failed', // 密码错
    '103': 'connector.rate_limited', // 提交过快
    '104': 'connector.unavailable', // 系统忙
    '105': 'connector.template_error', // 敏感短信
    '106': 'connector.template_error', // 消息长度错
    '107': 'connector.invalid_recipient', // 包含错误的手机号码
    '108': 'connector.rejected', // 手机号码个数错
    '109': 'connector.insufficient_balance', // 无发送额度
    '110': 'connector.rejected', // 不在发送时间内
    '111': 'connector.insufficient_balance', // 超出该账户当月发送额度限制
    '112': 'connector.invalid_config', // 无此产品
    '113': 'connector.rejected', // extno 格式错
    '115': 'connector.template_error', // 自动审核驳回
    '116': 'connector.template_error', // 签名不合法，未带签名
    '117': 'connector.auth_failed', // IP 地址认证错
    '118': 'connector.auth_failed', // 用户没有相应的发送权限
    '119': 'connector.auth_failed', // 用户已过期
    '120': 'connector.template_error', // 内容不在白名单中
  },
};
