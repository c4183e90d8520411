import { defineErrors } from '../define.js';

/** 760xxxx — Gatehouse as a SAML 2.0 identity provider (configuration, requests from service providers, logout). */
export const samlErrors = defineErrors({
  'saml.invalid_config': { apiCode: 7600001, status: 400, en: 'Invalid SAML configuration ({field}): {reason}.', zh: 'SAML 配置不合法（{field}）：{reason}。' },
  'saml.invalid_metadata': { apiCode: 7600002, status: 400, en: 'The service provider metadata could not be used: {reason}.', zh: '无法使用该服务提供商元数据：{reason}。' },
  'saml.metadata_fetch_failed': { apiCode: 7600003, status: 400, en: 'The service provider metadata could not be fetched from spMetadataUrl.', zh: '无法从 spMetadataUrl 获取服务提供商元数据。' },
  'saml.not_enabled': { apiCode: 7600004, status: 404, en: 'This application is not a SAML service provider of this server.', zh: '该应用未开启 SAML 身份提供商。' },
  'saml.request_missing': { apiCode: 7600005, status: 400, en: 'The request carries no SAML message (SAMLRequest).', zh: '请求中没有 SAML 消息（SAMLRequest）。' },
  'saml.request_too_large': { apiCode: 7600006, status: 413, en: 'The SAML message is too large.', zh: 'SAML 消息过大。' },
  'saml.request_malformed': { apiCode: 7600007, status: 400, en: 'The SAML message is not valid: {reason}.', zh: 'SAML 消息无效：{reason}。' },
  'saml.dtd_refused': { apiCode: 7600008, status: 400, en: 'SAML messages with a document type declaration or entities are refused.', zh: '拒绝包含文档类型声明或实体的 SAML 消息。' },
  'saml.unknown_issuer': { apiCode: 7600009, status: 403, en: 'The request was sent by a service provider this application does not know.', zh: '请求来自该应用未登记的服务提供商。' },
  'saml.acs_not_registered': { apiCode: 7600010, status: 403, en: 'The request asks for the answer to go to an address that is not registered for this application.', zh: '请求要求将结果发送到该应用未登记的地址。' },
  'saml.unsupported_binding': { apiCode: 7600011, status: 400, en: 'The requested SAML binding is not supported ({binding}).', zh: '不支持请求的 SAML 绑定（{binding}）。' },
  'saml.signature_invalid': { apiCode: 7600012, status: 403, en: 'The signature of the SAML message is missing or not valid.', zh: 'SAML 消息签名缺失或无效。' },
  'saml.destination_mismatch': { apiCode: 7600013, status: 403, en: 'The SAML message was addressed to another endpoint.', zh: 'SAML 消息的目标地址不是本端点。' },
  'saml.request_expired': { apiCode: 7600014, status: 400, en: 'The SAML message is too old or comes from the future.', zh: 'SAML 消息已过期或时间无效。' },
  'saml.idp_initiated_disabled': { apiCode: 7600015, status: 403, en: 'Sign-in started from the identity provider is not enabled for this application.', zh: '该应用未开启由身份提供商发起的登录。' },
  'saml.session_expired': { apiCode: 7600016, status: 400, en: 'This sign-in has expired or was already used; go back to the application and start again.', zh: '该登录已过期或已被使用，请回到应用重新开始。' },
  'saml.unknown_app': { apiCode: 7600017, status: 404, en: 'This SAML address does not exist.', zh: '该 SAML 地址不存在。' },
  'saml.key_not_found': { apiCode: 7600018, status: 404, en: 'No SAML signing key {keyId} in this user pool.', zh: '用户池中没有 SAML 签名密钥 {keyId}。' },
});
