import { defineErrors } from '../define.js';

/**
 * 710xxxx — webhooks (docs/webhooks.md): management of subscriptions, their deliveries and logs.
 * A URL the outbound guard refuses is answered with the guard's own 101xxxx errors.
 */
export const webhookErrors = defineErrors({
  'webhook.not_found': {
    apiCode: 7100001,
    status: 404,
    en: 'No webhook with this id in the user pool.',
    zh: '用户池中不存在该 Webhook。',
  },
  'webhook.unknown_event': {
    apiCode: 7100002,
    status: 400,
    en: 'The event {event} cannot be subscribed to: it is not in the event catalog, or it is a security record only (see get-webhook-event-list).',
    zh: '不能订阅事件 {event}：它不在事件目录中，或仅作为安全记录（见 get-webhook-event-list）。',
  },
  'webhook.invalid_secret': {
    apiCode: 7100003,
    status: 400,
    en: 'The webhook secret is not usable: {reason}.',
    zh: 'Webhook 密钥不可用：{reason}。',
  },
  'webhook.invalid_retry_config': {
    apiCode: 7100004,
    status: 400,
    en: 'The retry configuration is not usable: {reason}.',
    zh: '失败重试配置不可用：{reason}。',
  },
  'webhook.too_many': {
    apiCode: 7100005,
    status: 409,
    en: 'A user pool may have at most {max} webhooks.',
    zh: '每个用户池最多可以有 {max} 个 Webhook。',
  },
  'webhook.disabled': {
    apiCode: 7100006,
    status: 409,
    en: 'The webhook is disabled: enable it before sending a test delivery.',
    zh: '该 Webhook 已停用：请先启用再发送测试请求。',
  },
  'webhook.delivery_not_found': {
    apiCode: 7100007,
    status: 404,
    en: 'No delivery with this id for the webhook.',
    zh: '该 Webhook 不存在此投递记录。',
  },
});
