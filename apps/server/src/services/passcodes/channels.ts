/**
 * Message channels: the purpose a code is sent for, exactly the reference values
 * (authing-node-sdk `src/models/SendSMSDto.ts` and `SendEmailDto.ts`). A code is bound to one
 * channel, so a sign-in code cannot complete a password reset (security.md §0 item 14).
 */
export const SMS_CHANNELS = [
  'CHANNEL_LOGIN',
  'CHANNEL_REGISTER',
  'CHANNEL_RESET_PASSWORD',
  'CHANNEL_BIND_PHONE',
  'CHANNEL_UNBIND_PHONE',
  'CHANNEL_BIND_MFA',
  'CHANNEL_VERIFY_MFA',
  'CHANNEL_UNBIND_MFA',
  'CHANNEL_COMPLETE_PHONE',
  'CHANNEL_IDENTITY_VERIFICATION',
  'CHANNEL_DELETE_ACCOUNT',
] as const;

export const EMAIL_CHANNELS = [
  'CHANNEL_LOGIN',
  'CHANNEL_REGISTER',
  'CHANNEL_RESET_PASSWORD',
  'CHANNEL_VERIFY_EMAIL_LINK',
  'CHANNEL_UPDATE_EMAIL',
  'CHANNEL_BIND_EMAIL',
  'CHANNEL_UNBIND_EMAIL',
  'CHANNEL_VERIFY_MFA',
  'CHANNEL_UNLOCK_ACCOUNT',
  'CHANNEL_COMPLETE_EMAIL',
  'CHANNEL_DELETE_ACCOUNT',
] as const;

export type SmsChannel = (typeof SMS_CHANNELS)[number];
export type EmailChannel = (typeof EMAIL_CHANNELS)[number];
export type MessageKind = 'sms' | 'email';
export type Channel = SmsChannel | EmailChannel;

/** Mails Gatehouse sends on its own (no code): not selectable through send-email. */
export const NOTICE_CHANNELS = ['WELCOME', 'VERIFY_EMAIL'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];
