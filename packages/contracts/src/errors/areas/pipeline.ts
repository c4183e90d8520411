import { defineErrors } from '../define.js';

/**
 * 700xxxx — user scripts in the login flow (Pipeline) and custom databases. A script's own
 * message reaches the user only through `pipeline.denied` (length-limited, plain text); every
 * other failure of a script is one fixed message, so nothing of the sandbox leaks.
 */
export const pipelineErrors = defineErrors({
  'pipeline.function_not_found': { apiCode: 7000001, status: 404, en: 'No pipeline function with this funcId exists in the user pool.', zh: '用户池中不存在该 Pipeline 函数。' },
  'pipeline.invalid_scene': { apiCode: 7000002, status: 400, en: 'scene must be one of {allowed}.', zh: 'scene 必须是 {allowed} 之一。' },
  'pipeline.invalid_timeout': { apiCode: 7000003, status: 400, en: 'timeout must be a whole number of seconds from 1 to 60.', zh: 'timeout 必须是 1 到 60 之间的整数秒。' },
  'pipeline.source_invalid': { apiCode: 7000004, status: 400, en: 'sourceCode does not compile or defines no pipe function: {detail}', zh: 'sourceCode 无法编译或未定义 pipe 函数：{detail}' },
  'pipeline.order_mismatch': { apiCode: 7000005, status: 400, en: 'order must list every function of the scene exactly once.', zh: 'order 必须恰好列出该场景的每个函数各一次。' },
  'pipeline.invalid_env': { apiCode: 7000006, status: 400, en: 'Environment variable names are letters, digits and _ (at most 64), values at most 4096 characters.', zh: '环境变量名只能包含字母、数字和下划线（最多 64 个字符），值最多 4096 个字符。' },
  'pipeline.too_many_functions': { apiCode: 7000007, status: 400, en: 'A scene holds at most {max} functions.', zh: '每个场景最多 {max} 个函数。' },
  'pipeline.invalid_allow_list': { apiCode: 7000008, status: 400, en: 'fetchAllowList holds host names only (at most 20), such as api.example.com.', zh: 'fetchAllowList 只能包含主机名（最多 20 个），例如 api.example.com。' },
  'pipeline.invalid_app': { apiCode: 7000009, status: 400, en: 'appIds names an application that is not in the user pool: {appId}.', zh: 'appIds 中的应用不在该用户池中：{appId}。' },
  'pipeline.denied': { apiCode: 7000010, status: 403, en: '{message}', zh: '{message}' },
  'pipeline.script_failed': { apiCode: 7000011, status: 403, en: 'A sign-in rule of this application could not run; please try again later.', zh: '该应用的登录规则无法执行，请稍后重试。' },
  'pipeline.timed_out': { apiCode: 7000012, status: 403, en: 'A sign-in rule of this application took too long; please try again later.', zh: '该应用的登录规则执行超时，请稍后重试。' },
  'pipeline.sandbox_unavailable': { apiCode: 7000013, status: 503, en: 'Sign-in rules cannot run at the moment; please try again later.', zh: '登录规则暂时无法执行，请稍后重试。' },
  'pipeline.invalid_sample': { apiCode: 7000014, status: 400, en: 'The test input must be an object with user and context objects.', zh: '测试输入必须是包含 user 和 context 对象的对象。' },
});
