import { AppError, unsupportedField } from '../../errors/app-error.js';
import type { CustomFieldRow, CustomFieldsRepo } from '../../storage/repositories/custom-fields.js';
import { nowIso } from '../../utils/time.js';
import { BUILT_IN_KEYS, DATA_TYPES, type CustomFieldDto, type CustomFieldInput, type DataType, type TargetType } from './types.js';
import { normaliseValue, uniqueForm } from './values.js';

/**
 * Custom fields (docs/custom-fields.md) as the vendor's ManagementClient manages them:
 * `setCustomFields`, `getCustomFields`, `listCustFields`, `deleteCustomFields`, `setCustomData`,
 * `getCustomData`. Key and data type are fixed once set; keys never shadow built-in fields;
 * unique values are enforced by the database (repository `writeData`).
 */
export interface CustomFieldTargets {
  /** The stored user's id and custom data, or undefined. */
  user(poolId: string, userId: string): Promise<{ id: string; customData: string } | undefined>;
  /** The role's id for a code in a namespace, or undefined. */
  role(poolId: string, code: string, namespace: string): Promise<{ id: string } | undefined>;
  /** The group's id and custom data for its code (vendor: a group's identifier is its code). */
  group(poolId: string, code: string): Promise<{ id: string; customData: string } | undefined>;
  /** The department's id and custom data for its id. */
  department(poolId: string, departmentId: string): Promise<{ id: string; customData: string } | undefined>;
}

/** Seals values of `encrypted` fields (the master-key SecretBox, AES-256-GCM, context-bound). */
export interface CustomDataSealer {
  seal(plain: string, context: string): string;
  open(sealed: string, context: string): string;
}

const KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_FIELDS = 100;
const b = (v: boolean | undefined, d: boolean) => ((v ?? d) ? 1 : 0);

export function createCustomFieldsService(deps: { repo: CustomFieldsRepo; targets: CustomFieldTargets; sealer: CustomDataSealer }) {
  const { repo } = deps;

  const toDto = (r: CustomFieldRow): CustomFieldDto => ({
    targetType: r.target_type as TargetType,
    key: r.key,
    dataType: r.data_type as DataType,
    label: r.label,
    ...(r.description ? { description: r.description } : {}),
    encrypted: r.encrypted === 1,
    isUnique: r.is_unique === 1,
    userEditable: r.user_editable === 1,
    visibleInAdminConsole: r.visible_in_admin_console === 1,
    visibleInUserCenter: r.visible_in_user_center === 1,
    ...(r.validate_rules ? { validateRules: JSON.parse(r.validate_rules) } : {}),
    ...(r.options ? { options: JSON.parse(r.options) } : {}),
    ...(r.i18n ? { i18n: JSON.parse(r.i18n) } : {}),
    createdAt: r.created_at,
  });

  function definitionRow(poolId: string, input: CustomFieldInput, current: CustomFieldRow | undefined, at: string): CustomFieldRow {
    const { key, targetType } = input;
    const invalid = (reason: string): never => {
      throw new AppError('custom_field.invalid_definition', { params: { key, reason } });
    };
    if (!KEY.test(key)) invalid('the key must start with a letter and hold only letters, digits and _ (at most 64)');
    if (BUILT_IN_KEYS[targetType].some((k) => k.toLowerCase() === key.toLowerCase())) throw new AppError('custom_field.reserved_key', { params: { key } });
    const dataType = input.dataType ?? (current?.data_type as DataType | undefined) ?? invalid('dataType is required');
    if (!DATA_TYPES.includes(dataType)) invalid(`unknown dataType ${dataType}`);
    if (current && current.data_type !== dataType) throw new AppError('custom_field.immutable', { params: { key, property: 'dataType' } });
    if (dataType === 'OBJECT' && targetType !== 'USER') invalid('OBJECT is for user fields only');
    const isUnique = input.isUnique ?? current?.is_unique === 1;
    if (isUnique && !['STRING', 'NUMBER', 'ENUM'].includes(dataType)) invalid('only STRING, NUMBER and ENUM fields can be unique');
    if (current && (current.is_unique === 1) !== isUnique) throw new AppError('custom_field.immutable', { params: { key, property: 'isUnique' } });
    // Sealed values cannot be compared by the database, and stored data would be stranded by a switch.
    const encrypted = input.encrypted ?? current?.encrypted === 1;
    if (encrypted && isUnique) invalid('an encrypted field cannot be unique');
    if (current && (current.encrypted === 1) !== encrypted) throw new AppError('custom_field.immutable', { params: { key, property: 'encrypted' } });
    const options = input.options ?? (current?.options ? (JSON.parse(current.options) as CustomFieldInput['options']) : undefined);
    if (dataType === 'ENUM') {
      if (!options || options.length === 0) invalid('an ENUM field needs options');
      if (new Set(options!.map((o) => o.value)).size !== options!.length) invalid('option values must differ');
    } else if (input.options) invalid('options are for ENUM fields only');
    return {
      pool_id: poolId,
      target_type: targetType,
      key,
      data_type: dataType,
      label: input.label ?? current?.label ?? key,
      description: input.description ?? current?.description ?? null,
      i18n: input.i18n ? JSON.stringify(input.i18n) : (current?.i18n ?? null),
      encrypted: encrypted ? 1 : 0,
      is_unique: isUnique ? 1 : 0,
      user_editable: input.userEditable !== undefined ? b(input.userEditable, false) : (current?.user_editable ?? 0),
      visible_in_admin_console: input.visibleInAdminConsole !== undefined ? b(input.visibleInAdminConsole, true) : (current?.visible_in_admin_console ?? 1),
      visible_in_user_center: input.visibleInUserCenter !== undefined ? b(input.visibleInUserCenter, false) : (current?.visible_in_user_center ?? 0),
      options: dataType === 'ENUM' ? JSON.stringify(options) : null,
      validate_rules: input.validateRules ? JSON.stringify(input.validateRules) : (current?.validate_rules ?? null),
      created_at: current?.created_at ?? at,
      updated_at: at,
    };
  }

  /** The target's id and its current data. */
  async function target(poolId: string, targetType: TargetType, identifier: string, namespace?: string): Promise<{ id: string; data: Record<string, unknown> }> {
    if (targetType === 'USER') {
      const u = await deps.targets.user(poolId, identifier);
      if (!u) throw new AppError('custom_field.target_not_found', { params: { targetType, identifier } });
      return { id: u.id, data: JSON.parse(u.customData) as Record<string, unknown> };
    }
    if (targetType === 'ROLE') {
      const r = await deps.targets.role(poolId, identifier, namespace ?? 'default');
      if (!r) throw new AppError('custom_field.target_not_found', { params: { targetType, identifier } });
      return { id: r.id, data: JSON.parse(await repo.dataOf(poolId, targetType, r.id)) as Record<string, unknown> };
    }
    const t = targetType === 'GROUP' ? await deps.targets.group(poolId, identifier) : await deps.targets.department(poolId, identifier);
    if (!t) throw new AppError('custom_field.target_not_found', { params: { targetType, identifier } });
    return { id: t.id, data: JSON.parse(t.customData) as Record<string, unknown> };
  }

  /** Where a target's sealed values are bound (AAD): a sealed document moved to another target does not open. */
  const sealContext = (poolId: string, targetType: TargetType, id: string) => `custom-data:${poolId}:${targetType}:${id}`;

  async function sealedData(poolId: string, targetType: TargetType, id: string): Promise<Record<string, unknown>> {
    const sealed = await repo.sealedOf(poolId, targetType, id);
    return sealed ? (JSON.parse(deps.sealer.open(sealed, sealContext(poolId, targetType, id))) as Record<string, unknown>) : {};
  }

  /** Checks and normalises `values` against the fields of `targetType`; unknown keys are refused. */
  async function checkValues(poolId: string, targetType: TargetType, values: Record<string, unknown>) {
    const fields = new Map((await repo.list(poolId, targetType)).map((f) => [f.key, f]));
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(values)) {
      const f = fields.get(key);
      if (!f) throw new AppError('custom_field.not_found', { params: { key, targetType } });
      out[key] = normaliseValue(f, v);
    }
    return { out, fields };
  }

  /**
   * Writes checked values: plain ones into the target's custom data, those of `encrypted` fields
   * into its sealed document (never in the target's own row, so no list or token carries them),
   * both with the unique values in one transaction. Returns what the caller may read back.
   */
  async function write(poolId: string, targetType: TargetType, t: { id: string; data: Record<string, unknown> }, values: Record<string, unknown>) {
    const { out, fields } = await checkValues(poolId, targetType, values);
    const data = { ...t.data };
    const secretKeys = Object.keys(out).filter((k) => fields.get(k)!.encrypted === 1);
    const secret = secretKeys.length ? await sealedData(poolId, targetType, t.id) : {};
    for (const [k, v] of Object.entries(out)) {
      const into = fields.get(k)!.encrypted === 1 ? secret : data;
      if (v === null) delete into[k];
      else into[k] = v;
      if (into === secret) delete data[k];
    }
    const claims = Object.keys(out)
      .filter((k) => fields.get(k)!.is_unique === 1)
      .map((k) => ({ key: k, value: uniqueForm(out[k]) }));
    const sealed = secretKeys.length ? deps.sealer.seal(JSON.stringify(secret), sealContext(poolId, targetType, t.id)) : undefined;
    const r = await repo.writeData(poolId, targetType, t.id, JSON.stringify(data), claims, nowIso(), sealed);
    if (r.conflict) throw new AppError('custom_field.duplicate_value', { params: { key: r.conflict, targetType } });
    return { ...data, ...secret };
  }

  return {
    async setFields(poolId: string, list: CustomFieldInput[]): Promise<CustomFieldDto[]> {
      const at = nowIso();
      const rows: Array<{ row: CustomFieldRow; exists: boolean }> = [];
      const seen = new Set<string>();
      for (const input of list) {
        const id = `${input.targetType}:${input.key}`;
        if (seen.has(id)) throw new AppError('custom_field.invalid_definition', { params: { key: input.key, reason: 'listed twice' } });
        seen.add(id);
        const current = await repo.find(poolId, input.targetType, input.key);
        if (!current && (await repo.count(poolId, input.targetType)) >= MAX_FIELDS) throw new AppError('custom_field.too_many', { params: { max: MAX_FIELDS } });
        rows.push({ row: definitionRow(poolId, input, current, at), exists: current !== undefined });
      }
      await repo.putMany(rows);
      return rows.map((r) => toDto(r.row));
    },

    list: async (poolId: string, targetType?: TargetType) => (await repo.list(poolId, targetType)).map(toDto),

    delete: (poolId: string, items: Array<{ targetType: TargetType; key: string }>) => repo.delete(poolId, items),

    async setData(poolId: string, input: { targetType: TargetType; targetIdentifier: string; namespace?: string; list: Array<{ key: string; value: unknown }> }) {
      const t = await target(poolId, input.targetType, input.targetIdentifier, input.namespace);
      return write(poolId, input.targetType, t, Object.fromEntries(input.list.map((i) => [i.key, i.value])));
    },

    /** A target's custom data, with the values of its encrypted fields opened (this is the one read that returns them). */
    async getData(poolId: string, input: { targetType: TargetType; targetIdentifier: string; namespace?: string }) {
      const t = await target(poolId, input.targetType, input.targetIdentifier, input.namespace);
      return { ...t.data, ...(await sealedData(poolId, input.targetType, t.id)) };
    },

    /** A user changing their own profile: only fields marked `userEditable`. */
    async setOwnData(poolId: string, userId: string, values: Record<string, unknown>) {
      const fields = new Map((await repo.list(poolId, 'USER')).map((f) => [f.key, f]));
      for (const key of Object.keys(values)) if (fields.get(key)?.user_editable !== 1) throw new AppError('custom_field.not_user_editable', { params: { key } });
      return write(poolId, 'USER', await target(poolId, 'USER', userId), values);
    },

    /** Type checks of `customData` given to createUser/updateUser and sign-up (defined keys only). */
    async checkUserData(poolId: string, values: Record<string, unknown>): Promise<Record<string, unknown>> {
      const fields = new Map((await repo.list(poolId, 'USER')).map((f) => [f.key, f]));
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(values)) out[k] = fields.has(k) ? normaliseValue(fields.get(k)!, v) : v;
      return out;
    },
  };
}
export type CustomFieldsService = ReturnType<typeof createCustomFieldsService>;
