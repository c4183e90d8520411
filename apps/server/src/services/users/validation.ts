import { invalidInput as invalid, unsupportedField as unsupported } from '../../errors/app-error.js';
import { foldIdentifier } from '../../utils/identifiers.js';
import { MAX_CUSTOM_DATA_BYTES, type CreateUserOptions, type UpdateUserOptions, type UserFields } from './types.js';

/** Input rules for user writes: vendor fields and options not implemented yet, email and customData normalisation. */

export const nonEmpty = (v: unknown): boolean => {
  if (v === undefined || v === null || v === false || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
};

/** Fields of the vendor DTOs that Gatehouse does not implement yet: accepted when empty, refused otherwise. */
export function refuseUnsupported(f: UserFields, prefix: string): void {
  if (nonEmpty(f.password)) throw unsupported(`${prefix}password`); // plain passwords go through the credentials layer
  for (const k of ['salt', 'tenantIds', 'departmentIds', 'otp', 'identities', 'metadataSource', 'metadata'] as const) {
    if (nonEmpty(f[k])) throw unsupported(`${prefix}${k}`);
  }
}

export function refuseUnsupportedCreateOptions(o: CreateUserOptions | undefined): void {
  if (!o) return;
  // A generated password needs a channel to reach the user (notifications are not built yet).
  if (o.autoGeneratePassword) throw unsupported('options.autoGeneratePassword');
  const n = o.sendNotification;
  if (n && (n.sendEmailNotification || n.sendPhoneNotification)) throw unsupported('options.sendNotification');
}

export function refuseUnsupportedUpdateOptions(o: UpdateUserOptions | undefined): void {
  if (!o) return;
  // A generated password needs a channel to reach the user (notifications are not built yet).
  if (o.autoGeneratePassword) throw unsupported('options.autoGeneratePassword');
  const n = o.sendPasswordResetedNotification;
  if (n && (n.sendDefaultEmailNotification || n.sendDefaultPhoneNotification || n.inputSendEmailNotification || n.inputSendPhoneNotification)) {
    throw unsupported('options.sendPasswordResetedNotification');
  }
}

/** The vendor says emails are case-insensitive; storing them in one form (NFKC, lower case, trimmed) makes the unique index say so too. */
export const normEmail = (e: string | undefined) => (e === undefined ? undefined : foldIdentifier(e));

export function customDataText(data: Record<string, unknown>, path: string): string {
  const text = JSON.stringify(data);
  if (Buffer.byteLength(text, 'utf8') > MAX_CUSTOM_DATA_BYTES) throw invalid(path, `must be at most ${MAX_CUSTOM_DATA_BYTES} bytes as JSON`);
  return text;
}
