import { defineErrors } from '../define.js';

/** 207xxxx — the sign-in engine: flows waiting for a step (MFA, profile completion …), the hosted login. */
export const engineErrors = defineErrors({
  'flow.invalid': { apiCode: 2070001, status: 401, en: 'This sign-in is unknown, expired or already finished; start again.', zh: '登录流程不存在、已过期或已结束，请重新登录。' },
  'flow.binding_mismatch': { apiCode: 2070002, status: 403, en: 'This sign-in was started by another application.', zh: '该登录流程由其他应用发起。' },
  'flow.step_mismatch': { apiCode: 2070003, status: 400, en: 'This sign-in is not waiting for this step.', zh: '登录流程当前不在此步骤。' },
  'flow.step_required': { apiCode: 2070004, status: 403, en: 'One more step is needed to finish signing in ({step}).', zh: '还需完成一个步骤才能登录（{step}）。' },
  'auth.method_disabled': { apiCode: 2070005, status: 403, en: 'This way of signing in is not enabled for this application.', zh: '该应用未开启此登录方式。' },
});
