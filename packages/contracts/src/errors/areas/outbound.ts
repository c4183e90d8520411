import { defineErrors } from '../define.js';

/**
 * 101xxxx — the outbound guard: connections a user pool's configuration can steer (SMS and email
 * vendors, SMTP, back-channel logout, later identity-provider discovery and webhooks).
 */
export const outboundErrors = defineErrors({
  'outbound.address_not_allowed': {
    apiCode: 1010001,
    status: 400,
    en: 'Outbound connections to {host} are not allowed: it is (or resolves to) a private, loopback, link-local or otherwise internal address. Only the server operator can allow it (GATEHOUSE_OUTBOUND_ALLOW).',
    zh: '不允许向 {host} 发起出站连接：它是（或解析为）私有、回环、链路本地或其他内部地址。只有服务器运维人员可以放行（GATEHOUSE_OUTBOUND_ALLOW）。',
  },
  'outbound.https_required': {
    apiCode: 1010002,
    status: 400,
    en: 'Outbound requests to {host} must use https://.',
    zh: '发往 {host} 的出站请求必须使用 https://。',
  },
  'outbound.operator_only_field': {
    apiCode: 1010003,
    status: 400,
    en: '{field} cannot be set by a user pool: the vendor endpoint is fixed, and only the server operator can redirect it (GATEHOUSE_UPSTREAM_OVERRIDES).',
    zh: '用户池不能设置 {field}：服务商地址是固定的，只有服务器运维人员可以重定向它（GATEHOUSE_UPSTREAM_OVERRIDES）。',
  },
  'outbound.invalid_url': {
    apiCode: 1010004,
    status: 400,
    en: 'Not a usable outbound URL: {reason}.',
    zh: '不是可用的出站地址：{reason}。',
  },
});
