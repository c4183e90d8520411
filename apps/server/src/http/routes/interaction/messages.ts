import { renderMessage, type ErrorCode } from '@gatehouse/contracts';
import type { AppError } from '../../../errors/app-error.js';
import type { Lang } from '../../../oidc/pages.js';

/**
 * What an end user reads on the hosted pages. The catalog's messages are written for API
 * callers and some name endpoints or payload fields; here those codes get wording for a person
 * at a sign-in form, and validation details (field paths) are never shown.
 */
const PAGE_MESSAGES: Partial<Record<ErrorCode, { en: string; zh: string }>> = {
  'auth.payload_required': { en: 'Enter your account and password.', zh: '请输入账号和密码。' },
  'passcode.payload_required': { en: 'Enter the verification code.', zh: '请输入验证码。' },
  'request.invalid_input': { en: 'Please check what you entered and try again.', zh: '请检查输入的内容后重试。' },
  'auth.captcha_required': { en: 'Too many failed attempts. Enter the characters shown in the image.', zh: '失败次数过多，请输入图片中的字符。' },
  'auth.captcha_invalid': { en: 'The characters did not match the image. Try the new image.', zh: '图片验证码不正确，请输入新图片中的字符。' },
  'passcode.captcha_required': { en: 'Enter the characters shown in the image, then send the code again.', zh: '请输入图片中的字符，然后重新发送验证码。' },
  'passcode.provider_not_configured': { en: 'Codes cannot be sent right now. Use another way to sign in.', zh: '暂时无法发送验证码，请使用其他方式登录。' },
  'auth.invalid_client': { en: 'This application is not set up correctly.', zh: '该应用配置有误。' },
  'flow.step_required': { en: 'One more step is needed, but this page cannot show it yet.', zh: '还需要完成一个步骤，但此页面暂时无法显示。' },
  'internal.unavailable': { en: 'The service is temporarily unavailable. Try again in a moment.', zh: '服务暂时不可用，请稍后重试。' },
};

export function pageMessage(err: Pick<AppError, 'code' | 'params'>, lang: Lang): string {
  const own = PAGE_MESSAGES[err.code];
  if (own) return own[lang];
  return renderMessage(err.code, lang, err.params);
}
