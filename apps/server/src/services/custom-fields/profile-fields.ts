import { AppError } from '../../errors/app-error.js';
import { PROFILE_COLUMNS } from '../users/types.js';
import type { CustomFieldDto } from './types.js';

/**
 * The fields an app's profile completion (`registerConfig.completeProfile`, docs/custom-fields.md
 * "Profile completion") may ask for: built-in profile fields (never identifiers, status or
 * credentials) and the pool's USER custom fields.
 */
export const PROFILE_BUILT_IN_FIELDS: ReadonlySet<string> = new Set<string>([...Object.keys(PROFILE_COLUMNS), 'gender']);

/**
 * Refuses a `completeProfile.fields` list that names a field the sign-in could never ask for: a
 * `user` key that is not a built-in profile field, a `udf` key that is no USER custom field of
 * the pool, or an encrypted custom field (its sealed value is not in the user's row, so what is
 * missing cannot be told). Checked when the app is saved, so the administrator learns it then
 * instead of the field being silently skipped at sign-in.
 */
export function checkProfileFieldKeys(fields: ReadonlyArray<{ type: string; key: string }>, defs: ReadonlyArray<Pick<CustomFieldDto, 'key' | 'encrypted'>>): void {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  for (const f of fields) {
    const key = f.key.slice(0, 64);
    if (f.type === 'user') {
      if (!PROFILE_BUILT_IN_FIELDS.has(f.key)) throw new AppError('profile.unknown_field', { params: { key, type: 'user' } });
      continue;
    }
    const d = byKey.get(f.key);
    if (!d) throw new AppError('profile.unknown_field', { params: { key, type: 'udf' } });
    if (d.encrypted) throw new AppError('profile.encrypted_field', { params: { key } });
  }
}
