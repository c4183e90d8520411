import { defineErrors } from '../define.js';

/** Operations: metrics protection, management access keys over the API and the CLI (108xxxx). */
export const operationsErrors = defineErrors({
  'metrics.unauthorized': { apiCode: 1080001, status: 401, en: 'The metrics endpoint needs the bearer token configured in GATEHOUSE_METRICS_TOKEN.', zh: '访问指标接口需要携带 GATEHOUSE_METRICS_TOKEN 中配置的 Bearer 令牌。' },
  'access_key.not_found': { apiCode: 1080002, status: 404, en: 'Access key not found.', zh: '访问密钥不存在。' },
  'access_key.last_enabled': { apiCode: 1080003, status: 409, en: 'This is the last enabled access key of the user pool; create or enable another one first.', zh: '这是该用户池最后一个启用的访问密钥，请先创建或启用另一个密钥。' },
  'access_key.owner_not_found': { apiCode: 1080004, status: 404, en: 'The userId given as the key owner is not a user of this user pool.', zh: '作为密钥所有者的 userId 不是该用户池的用户。' },
});
