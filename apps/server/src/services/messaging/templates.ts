import { AppError } from '../../errors/app-error.js';
import type { MessagingRepo } from '../../storage/repositories/messaging.js';
import { nowIso } from '../../utils/time.js';
import { EMAIL_CHANNELS, NOTICE_CHANNELS, SMS_CHANNELS, type MessageKind } from '../passcodes/channels.js';

/**
 * Message templates per kind, channel and language. English and Simplified Chinese are
 * shipped; a pool may override any (kind, channel, lang) with its own subject, text and HTML.
 * Variables are `{{name}}`: `code`, `appName`, `ttlMinutes` for codes; `appName`, `userName`,
 * `link` for the registration mails. Values are HTML-escaped in the HTML part.
 */
export type Lang = 'en' | 'zh-CN';
export const LANGS: Lang[] = ['en', 'zh-CN'];

export interface Template {
  subject: string;
  text: string;
  html: string | null;
}

const PURPOSE: Record<string, { en: string; zh: string }> = {
  CHANNEL_LOGIN: { en: 'sign-in', zh: '登录' },
  CHANNEL_REGISTER: { en: 'registration', zh: '注册' },
  CHANNEL_RESET_PASSWORD: { en: 'password reset', zh: '重置密码' },
  CHANNEL_BIND_PHONE: { en: 'phone binding', zh: '绑定手机号' },
  CHANNEL_UNBIND_PHONE: { en: 'phone unbinding', zh: '解绑手机号' },
  CHANNEL_BIND_MFA: { en: 'MFA enrolment', zh: '绑定 MFA' },
  CHANNEL_VERIFY_MFA: { en: 'MFA verification', zh: 'MFA 验证' },
  CHANNEL_UNBIND_MFA: { en: 'MFA removal', zh: '解绑 MFA' },
  CHANNEL_COMPLETE_PHONE: { en: 'phone confirmation', zh: '补全手机号' },
  CHANNEL_IDENTITY_VERIFICATION: { en: 'identity verification', zh: '实名认证' },
  CHANNEL_DELETE_ACCOUNT: { en: 'account deletion', zh: '注销账号' },
  CHANNEL_VERIFY_EMAIL_LINK: { en: 'email verification', zh: '验证邮箱' },
  CHANNEL_UPDATE_EMAIL: { en: 'email change', zh: '修改邮箱' },
  CHANNEL_BIND_EMAIL: { en: 'email binding', zh: '绑定邮箱' },
  CHANNEL_UNBIND_EMAIL: { en: 'email unbinding', zh: '解绑邮箱' },
  CHANNEL_UNLOCK_ACCOUNT: { en: 'account unlock', zh: '解锁账号' },
  CHANNEL_COMPLETE_EMAIL: { en: 'email confirmation', zh: '补全邮箱' },
};

const wrapHtml = (body: string) =>
  `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5;color:#222">${body}<p style="color:#888;font-size:12px">{{appName}}</p></body></html>`;

/** The shipped template for a (kind, channel, lang). */
export function defaultTemplate(kind: MessageKind, channel: string, lang: Lang): Template {
  const zh = lang === 'zh-CN';
  if (channel === 'WELCOME') {
    return zh
      ? { subject: '欢迎加入 {{appName}}', text: '{{userName}}，您好！\n\n欢迎注册 {{appName}}。', html: wrapHtml('<p>{{userName}}，您好！</p><p>欢迎注册 <b>{{appName}}</b>。</p>') }
      : { subject: 'Welcome to {{appName}}', text: 'Hello {{userName}},\n\nwelcome to {{appName}}.', html: wrapHtml('<p>Hello {{userName}},</p><p>welcome to <b>{{appName}}</b>.</p>') };
  }
  if (channel === 'VERIFY_EMAIL') {
    return zh
      ? { subject: '验证您在 {{appName}} 的邮箱', text: '请打开以下链接验证邮箱（{{ttlMinutes}} 分钟内有效）：\n{{link}}', html: wrapHtml('<p>请点击以下链接验证邮箱（{{ttlMinutes}} 分钟内有效）：</p><p><a href="{{link}}">{{link}}</a></p>') }
      : { subject: 'Verify your email for {{appName}}', text: 'Open this link to verify your email (valid for {{ttlMinutes}} minutes):\n{{link}}', html: wrapHtml('<p>Open this link to verify your email (valid for {{ttlMinutes}} minutes):</p><p><a href="{{link}}">{{link}}</a></p>') };
  }
  const p = PURPOSE[channel] ?? { en: 'verification', zh: '验证' };
  if (zh) {
    const text = `【{{appName}}】您的${p.zh}验证码是 {{code}}，{{ttlMinutes}} 分钟内有效。如非本人操作，请忽略。`;
    return kind === 'sms'
      ? { subject: '', text, html: null }
      : { subject: `{{appName}} ${p.zh}验证码`, text, html: wrapHtml(`<p>您的${p.zh}验证码是：</p><p style="font-size:24px;letter-spacing:4px"><b>{{code}}</b></p><p>{{ttlMinutes}} 分钟内有效。如非本人操作，请忽略。</p>`) };
  }
  const text = `Your {{appName}} ${p.en} code is {{code}}. It expires in {{ttlMinutes}} minutes. If you did not ask for it, ignore this message.`;
  return kind === 'sms'
    ? { subject: '', text, html: null }
    : { subject: `Your {{appName}} ${p.en} code`, text, html: wrapHtml(`<p>Your ${p.en} code is:</p><p style="font-size:24px;letter-spacing:4px"><b>{{code}}</b></p><p>It expires in {{ttlMinutes}} minutes. If you did not ask for it, ignore this message.</p>`) };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const fill = (t: string, vars: Record<string, string>, html: boolean) => t.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, k: string) => (vars[k] === undefined ? whole : html ? escapeHtml(vars[k]) : vars[k]));

export function render(t: Template, vars: Record<string, string>): Template {
  return { subject: fill(t.subject, vars, false), text: fill(t.text, vars, false), html: t.html === null ? null : fill(t.html, vars, true) };
}

const channelsOf = (kind: MessageKind): readonly string[] => (kind === 'sms' ? SMS_CHANNELS : [...EMAIL_CHANNELS, ...NOTICE_CHANNELS]);
const bad = (reason: string) => new AppError('passcode.invalid_settings', { params: { reason } });

export function createTemplatesService(repo: MessagingRepo) {
  return {
    /** The pool's template, else the shipped one. */
    async get(poolId: string, kind: MessageKind, channel: string, lang: Lang): Promise<Template & { custom: boolean }> {
      const row = await repo.getTemplate(poolId, kind, channel, lang);
      if (row) return { subject: row.subject ?? '', text: row.text, html: row.html, custom: true };
      return { ...defaultTemplate(kind, channel, lang), custom: false };
    },
    /** Every (kind, channel, lang) with what is in effect. */
    async list(poolId: string) {
      const rows = new Map((await repo.listTemplates(poolId)).map((r) => [`${r.kind}|${r.channel}|${r.lang}`, r]));
      return (['sms', 'email'] as const).flatMap((kind) =>
        channelsOf(kind).flatMap((channel) =>
          LANGS.map((lang) => {
            const r = rows.get(`${kind}|${channel}|${lang}`);
            const t = r ? { subject: r.subject ?? '', text: r.text, html: r.html } : defaultTemplate(kind, channel, lang);
            return { kind, channel, lang, custom: Boolean(r), ...t };
          }),
        ),
      );
    },
    async put(poolId: string, t: { kind: MessageKind; channel: string; lang: Lang; subject?: string; text: string; html?: string | null }): Promise<void> {
      if (!channelsOf(t.kind).includes(t.channel)) throw bad(`unknown ${t.kind} channel ${t.channel}`);
      if (!LANGS.includes(t.lang)) throw bad('lang must be en or zh-CN');
      if (t.kind === 'email' && !t.subject) throw bad('an email template needs a subject');
      await repo.putTemplate({ pool_id: poolId, kind: t.kind, channel: t.channel, lang: t.lang, subject: t.subject ?? null, text: t.text, html: t.html ?? null, updated_at: nowIso() });
    },
    /** Back to the shipped template. */
    reset: (poolId: string, kind: MessageKind, channel: string, lang: Lang) => repo.deleteTemplate(poolId, kind, channel, lang),
  };
}
export type TemplatesService = ReturnType<typeof createTemplatesService>;
