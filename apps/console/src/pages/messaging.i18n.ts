/** Words of the Message services page added since i18n.tsx held them all (merged into i18n.tsx). */
export const en = {
  'messaging.quotas': 'Sending limits (codes sent, SMS and email)',
  'messaging.quotasHint': 'A send over any limit is refused with "try again in … seconds". Limits left unchanged follow the server defaults.',
  'messaging.quota.recipientPerMinute': 'Per recipient and channel, per minute',
  'messaging.quota.recipientPerHour': 'Per recipient, per hour',
  'messaging.quota.recipientPerDay': 'Per recipient, per day',
  'messaging.quota.ipPerHour': 'Per client IP, per hour',
  'messaging.quota.poolPerHour': 'Per user pool, per hour',
  'messaging.quota.poolPerDay': 'Per user pool, per day',
};

export const zh: Record<keyof typeof en, string> = {
  'messaging.quotas': '发送限额（验证码短信与邮件）',
  'messaging.quotasHint': '超过任一限额的发送会被拒绝，并提示多少秒后重试。未修改的限额沿用服务器默认值。',
  'messaging.quota.recipientPerMinute': '每个接收方每个场景，每分钟',
  'messaging.quota.recipientPerHour': '每个接收方，每小时',
  'messaging.quota.recipientPerDay': '每个接收方，每天',
  'messaging.quota.ipPerHour': '每个客户端 IP，每小时',
  'messaging.quota.poolPerHour': '每个用户池，每小时',
  'messaging.quota.poolPerDay': '每个用户池，每天',
};
