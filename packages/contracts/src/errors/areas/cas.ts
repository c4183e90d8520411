import { defineErrors } from '../define.js';

/** 761xxxx — Gatehouse as a CAS server (configuration, login, ticket validation). */
export const casErrors = defineErrors({
  'cas.invalid_config': { apiCode: 7610001, status: 400, en: 'Invalid CAS configuration ({field}): {reason}.', zh: 'CAS 配置不合法（{field}）：{reason}。' },
  'cas.not_enabled': { apiCode: 7610002, status: 404, en: 'This application is not a CAS service of this server.', zh: '该应用未开启 CAS 身份提供商。' },
  'cas.service_not_allowed': { apiCode: 7610003, status: 403, en: 'The service address is not registered for this application.', zh: '该服务地址未在此应用登记。' },
  'cas.session_expired': { apiCode: 7610004, status: 400, en: 'This sign-in has expired or was already used; go back to the application and start again.', zh: '该登录已过期或已被使用，请回到应用重新开始。' },
  'cas.unknown_app': { apiCode: 7610005, status: 404, en: 'This CAS address does not exist.', zh: '该 CAS 地址不存在。' },
  'cas.invalid_request': { apiCode: 7610006, status: 400, en: 'The CAS request is not valid: {reason}.', zh: 'CAS 请求无效：{reason}。' },
});
