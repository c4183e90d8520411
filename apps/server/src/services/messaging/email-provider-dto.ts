import { AppError } from '../../errors/app-error.js';
import { smtpConnectorConfig } from './index.js';
import type { ProviderSetting } from './providers.js';

/**
 * The vendor's email-provider shape (ManagementClient.configEmailProvider / getEmailProvider;
 * authing-node-sdk `ConfigEmailProviderDto`, `EmailProviderDto`) ↔ Gatehouse's connector
 * setting. Every vendor type is SMTP underneath, at the host each mail service documents:
 * Alibaba Enterprise Mail smtp.qiye.aliyun.com:465, Tencent Exmail smtp.exmail.qq.com:465,
 * SendGrid's SMTP relay smtp.sendgrid.net:465 with the user name `apikey`. The vendor's
 * `secure: false` is nodemailer's meaning: STARTTLS when the server offers it.
 * `console` is a Gatehouse extension (development).
 */
export type VendorEmailType = 'ali' | 'qq' | 'sendgrid' | 'custom' | 'console';

export interface ConfigEmailProviderInput {
  type: VendorEmailType;
  enabled: boolean;
  smtpConfig?: { smtp_host: string; smtp_port: number; sender?: string; senderPass?: string; secure?: boolean };
  sendGridConfig?: { sender: string; apikey?: string };
  aliExmailConfig?: { sender: string; senderPass?: string };
  tencentExmailConfig?: { sender: string; senderPass?: string };
}

const HOSTS = { ali: 'smtp.qiye.aliyun.com', qq: 'smtp.exmail.qq.com', sendgrid: 'smtp.sendgrid.net' } as const;
const missing = (field: string) => new AppError('passcode.invalid_provider_config', { params: { kind: 'email', reason: `${field} is required for this type` } });

/** Secrets left empty keep the stored value (write-only fields: clients never see them to send back). */
export function toEmailSetting(dto: ConfigEmailProviderInput, stored: Record<string, unknown> | null): ProviderSetting {
  const keep = (v: string | undefined) => (v ? v : typeof stored?.password === 'string' ? stored.password : undefined);
  if (dto.type === 'console') return { provider: 'console', enabled: dto.enabled, config: {} };
  let c: Parameters<typeof smtpConnectorConfig>[0];
  if (dto.type === 'custom') {
    const s = dto.smtpConfig;
    if (!s) throw missing('smtpConfig');
    const sender = s.sender ?? '';
    const password = keep(s.senderPass);
    c = { host: s.smtp_host, port: s.smtp_port, tls: s.secure ? 'implicit' : 'opportunistic', ...(sender ? { user: sender } : {}), ...(password ? { password } : {}), from: sender };
  } else if (dto.type === 'sendgrid') {
    const s = dto.sendGridConfig;
    if (!s) throw missing('sendGridConfig');
    const password = keep(s.apikey);
    if (!password) throw missing('sendGridConfig.apikey');
    c = { host: HOSTS.sendgrid, port: 465, tls: 'implicit', user: 'apikey', password, from: s.sender };
  } else {
    const s = dto.type === 'ali' ? dto.aliExmailConfig : dto.tencentExmailConfig;
    if (!s) throw missing(dto.type === 'ali' ? 'aliExmailConfig' : 'tencentExmailConfig');
    const password = keep(s.senderPass);
    if (!password) throw missing('senderPass');
    c = { host: HOSTS[dto.type], port: 465, tls: 'implicit', user: s.sender, password, from: s.sender };
  }
  return { provider: 'smtp', enabled: dto.enabled, config: smtpConnectorConfig(c) };
}

/** The vendor view, secrets left out. */
export function toEmailProviderDto(s: ProviderSetting | null): Record<string, unknown> {
  if (!s) return { enabled: false };
  if (s.provider !== 'smtp') return { enabled: s.enabled, type: s.provider };
  const c = s.config as { host?: string; port?: number; tls?: string; username?: string; fromAddress?: string };
  const sender = c.fromAddress ?? c.username ?? '';
  if (c.host === HOSTS.sendgrid) return { enabled: s.enabled, type: 'sendgrid', sendGridConfig: { sender } };
  if (c.host === HOSTS.ali) return { enabled: s.enabled, type: 'ali', aliExmailConfig: { sender } };
  if (c.host === HOSTS.qq) return { enabled: s.enabled, type: 'qq', tencentExmailConfig: { sender } };
  return { enabled: s.enabled, type: 'custom', smtpConfig: { smtp_host: c.host, smtp_port: c.port, sender, secure: c.tls === 'implicit' } };
}
