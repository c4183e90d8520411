import { AppError } from '../../errors/app-error.js';
import type { UsersService } from '../users.js';
import type { CustomFieldsService } from './service.js';

/**
 * `customData` given to createUser, createUsersBatch, updateUser and sign-up is checked against
 * the pool's USER fields (type, options, rules) and stored in normalised form. Values of unique
 * fields are refused here — they are written through setCustomData, where the database enforces
 * uniqueness in the same transaction as the value.
 */
export function withCustomFieldChecks<T extends Pick<UsersService, 'create' | 'update' | 'createBatch'>>(users: T, fields: Pick<CustomFieldsService, 'checkUserData' | 'list'>): T {
  async function check(poolId: string, data: Record<string, unknown> | undefined) {
    if (!data || Object.keys(data).length === 0) return data;
    const defs = await fields.list(poolId, 'USER');
    const unique = new Set(defs.filter((f) => f.isUnique).map((f) => f.key));
    const sealed = new Set(defs.filter((f) => f.encrypted).map((f) => f.key));
    for (const k of Object.keys(data)) {
      if (unique.has(k)) throw new AppError('custom_field.invalid_value', { params: { key: k, reason: 'a unique field is set with setCustomData (or the profile completion), not in customData' } });
      // customData is stored in the user's row as is; an encrypted field's value must go to its sealed store.
      if (sealed.has(k)) throw new AppError('custom_field.invalid_value', { params: { key: k, reason: 'an encrypted field is set with setCustomData, not in customData' } });
    }
    return fields.checkUserData(poolId, data);
  }
  const create: T['create'] = async (poolId, input) => {
    const customData = await check(poolId, input.customData);
    return users.create(poolId, { ...input, ...(customData ? { customData } : {}) });
  };
  const update: T['update'] = async (poolId, input) => {
    const customData = await check(poolId, input.customData);
    return users.update(poolId, { ...input, ...(customData ? { customData } : {}) });
  };
  const createBatch: T['createBatch'] = async (poolId, input, opts) => {
    const list = [];
    for (const item of input.list) {
      const customData = await check(poolId, item.customData);
      list.push({ ...item, ...(customData ? { customData } : {}) });
    }
    return users.createBatch(poolId, { ...input, list }, opts);
  };
  return Object.assign(Object.create(Object.getPrototypeOf(users)) as T, users, { create, update, createBatch });
}
