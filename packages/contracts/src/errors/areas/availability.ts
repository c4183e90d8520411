import { defineErrors } from '../define.js';

/** 102xxxx — availability: a backing service (Redis) is down or its circuit breaker is open. */
export const availabilityErrors = defineErrors({
  'availability.temporarily_unavailable': {
    apiCode: 1020001,
    status: 503,
    en: 'The service is temporarily unavailable; try again in a few seconds.',
    zh: '服务暂时不可用，请几秒后重试。',
  },
});
