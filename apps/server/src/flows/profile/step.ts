import { AppError } from '../../errors/app-error.js';
import type { CustomFieldDto } from '../../services/custom-fields/types.js';
import { PROFILE_BUILT_IN_FIELDS } from '../../services/custom-fields/profile-fields.js';
import { PROFILE_COLUMNS, type UserFields } from '../../services/users.js';
import type { UserRow } from '../../storage/repositories/users.js';
import type { FlowRecord, PolicyStep, RequestInfo, StepResult } from '../engine/types.js';
import { BUILT_IN_FIELD_LABELS } from './labels.js';
import { profileFieldsOf, type CompleteProfileConfig, type ProfileFieldConfig } from './config.js';

export const PROFILE_STEP = 'complete-profile';

/** A field as the page (and an API caller) is told about it: enough to render and check it. */
export interface AskedField {
  key: string;
  type: 'udf' | 'user';
  required: boolean;
  inputType: string;
  dataType: string;
  label: string;
  /** Display names by language (a custom field's `i18n.label`, a built-in field's from labels.ts); the page falls back to `label`. */
  labels: Record<string, string>;
  options?: Array<{ value: string; label: string }>;
  validateRules?: Record<string, unknown>;
}

const MAX_BUILT_IN = 255;
const INPUT_OF: Record<string, string> = { STRING: 'text', NUMBER: 'number', DATETIME: 'date', BOOLEAN: 'checkbox', ENUM: 'select', OBJECT: 'text' };

const empty = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

export interface ProfileStepDeps {
  /** The app's `registerConfig.completeProfile`, or null. */
  config(poolId: string, appId: string): Promise<CompleteProfileConfig | null>;
  user(poolId: string, userId: string): Promise<UserRow | undefined>;
  /** The pool's USER custom fields. */
  fields(poolId: string): Promise<CustomFieldDto[]>;
  /** Writes custom data (type, rules, options, uniqueness and sealing of the custom-fields service; all or nothing). */
  setCustomData(poolId: string, userId: string, values: Record<string, unknown>): Promise<unknown>;
  updateUser(poolId: string, input: UserFields & { userId: string }): Promise<unknown>;
  /** PRE_COMPLETE_USER_INFO user scripts (docs/pipeline.md); throws the script's refusal. */
  beforeComplete?(e: { poolId: string; appId: string | null; userId: string; values: Record<string, unknown>; request: RequestInfo }): Promise<void>;
}

/**
 * Registration information completion (issue: "registration information completion"; vendor
 * Guard's `COMPLETE_INFO`, 1642). A policy step after MFA: when the app lists fields to complete
 * and the user lacks some, the sign-in waits (a half-finished sign-in in the flow record, like
 * MFA) until the user answers `{ values: { key: value } }`. Values go through the same checks as
 * every other write of them (custom-field types, rules, options, uniqueness, sealing), so a bad
 * value is refused with the field's own error and the flow stays open for another try.
 *
 *  - the first sign-in after registration (no login recorded yet) asks for every missing listed
 *    field when `when` includes `register`;
 *  - any later sign-in asks for the *required* fields still missing when `when` includes `login`.
 */
export function createProfileStep(deps: ProfileStepDeps): PolicyStep {
  function missing(row: UserRow, f: ProfileFieldConfig): boolean {
    if (f.type === 'user') return empty((row as unknown as Record<string, unknown>)[(PROFILE_COLUMNS as Record<string, string>)[f.key] ?? f.key]);
    const data = JSON.parse(row.custom_data || '{}') as Record<string, unknown>;
    return empty(data[f.key]);
  }

  function describe(f: ProfileFieldConfig, defs: Map<string, CustomFieldDto>): AskedField {
    const required = f.required === true;
    if (f.type === 'user') {
      const labels: Record<string, string> = { ...BUILT_IN_FIELD_LABELS[f.key] };
      return { key: f.key, type: 'user', required, inputType: f.inputType ?? 'text', dataType: 'STRING', label: labels['en-US'] ?? f.key, labels };
    }
    const d = defs.get(f.key)!;
    const labels: Record<string, string> = {};
    for (const [lang, v] of Object.entries(d.i18n?.label ?? {})) if (v && v.enabled !== false && v.value) labels[lang] = v.value;
    return {
      key: f.key,
      type: 'udf',
      required,
      inputType: f.inputType ?? INPUT_OF[d.dataType] ?? 'text',
      dataType: d.dataType,
      label: d.label,
      labels,
      ...(d.options ? { options: d.options } : {}),
      ...(d.validateRules ? { validateRules: d.validateRules as Record<string, unknown> } : {}),
    };
  }

  /** The configured fields that can be asked (built-in profile fields, defined USER custom fields). */
  async function usable(flow: FlowRecord): Promise<{ cfg: CompleteProfileConfig; fields: ProfileFieldConfig[]; defs: Map<string, CustomFieldDto> } | null> {
    if (!flow.appId) return null;
    const cfg = await deps.config(flow.poolId, flow.appId);
    if (!cfg?.enabled || cfg.fields.length === 0) return null;
    const defs = new Map((await deps.fields(flow.poolId)).map((f) => [f.key, f]));
    // Encrypted fields are not asked here: their sealed values are not in the user's row to tell what is missing.
    const fields = profileFieldsOf(cfg).filter((f) => (f.type === 'user' ? PROFILE_BUILT_IN_FIELDS.has(f.key) : defs.has(f.key) && !defs.get(f.key)!.encrypted));
    return { cfg, fields, defs };
  }

  const challenge = (asked: AskedField[]): StepResult => ({ status: 'challenge', error: 'profile.completion_required', data: { phase: 'complete-profile', fields: asked } });

  return {
    id: PROFILE_STEP,

    async run(flow) {
      const u = await usable(flow);
      if (!u) return { status: 'done' };
      const row = await deps.user(flow.poolId, flow.userId);
      if (!row) throw new AppError('user.not_found');
      const when = u.cfg.when ?? ['register', 'login'];
      const lacking = u.fields.filter((f) => missing(row, f));
      const firstSignIn = row.logins_count === 0 && !row.last_login;
      const ask = firstSignIn && when.includes('register') ? lacking : when.includes('login') ? lacking.filter((f) => f.required) : [];
      if (ask.length === 0) return { status: 'done' };
      flow.data[PROFILE_STEP] = { keys: ask.map((f) => f.key) };
      return challenge(ask.map((f) => describe(f, u.defs)));
    },

    async answer(flow, raw, request) {
      const input = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
      const values = (input.values && typeof input.values === 'object' && !Array.isArray(input.values) ? input.values : {}) as Record<string, unknown>;
      const keys = ((flow.data[PROFILE_STEP] as { keys?: string[] } | undefined)?.keys ?? []) as string[];
      const u = await usable(flow);
      const asked = (u?.fields ?? []).filter((f) => keys.includes(f.key));
      for (const k of Object.keys(values)) if (!asked.some((f) => f.key === k)) throw new AppError('profile.field_not_asked', { params: { key: k.slice(0, 64) } });
      for (const f of asked) if (f.required && empty(values[f.key])) throw new AppError('profile.field_required', { params: { key: f.key } });

      const custom: Record<string, unknown> = {};
      const builtIn: Record<string, string> = {};
      for (const f of asked) {
        const v = values[f.key];
        if (empty(v)) continue; // an optional field left empty
        if (f.type === 'udf') custom[f.key] = typeof v === 'string' ? v.trim() : v;
        else {
          if (typeof v !== 'string' || v.length > MAX_BUILT_IN) throw new AppError('custom_field.invalid_value', { params: { key: f.key, reason: `a string of at most ${MAX_BUILT_IN} characters is expected` } });
          builtIn[f.key] = v.trim();
        }
      }
      await deps.beforeComplete?.({ poolId: flow.poolId, appId: flow.appId, userId: flow.userId, values: { ...builtIn, ...custom }, request });
      // Custom data first: its checks (and the database's unique constraint) refuse before anything is written.
      if (Object.keys(custom).length) await deps.setCustomData(flow.poolId, flow.userId, custom);
      if (Object.keys(builtIn).length) await deps.updateUser(flow.poolId, { userId: flow.userId, ...(builtIn as UserFields) });
      delete flow.data[PROFILE_STEP];
      return { status: 'done' };
    },
  };
}
