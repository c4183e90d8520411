import { AppError } from '../../errors/app-error.js';
import type { CustomFieldRow } from '../../storage/repositories/custom-fields.js';
import type { ValidateRules } from './types.js';

/**
 * A value checked against its field and brought to its stored form: NUMBER a finite number (a
 * numeric string is accepted), DATETIME an ISO-8601 UTC string (an ISO string or epoch
 * milliseconds is accepted), BOOLEAN true/false ("true"/"false" accepted), ENUM one of the
 * option values, STRING a string, OBJECT a JSON object (users only). `null` clears the value.
 */
const MAX_STRING = 2048;

export function normaliseValue(f: CustomFieldRow, value: unknown): unknown {
  if (value === null) return null;
  const bad = (reason: string): never => {
    throw new AppError('custom_field.invalid_value', { params: { key: f.key, reason } });
  };
  const rules = (f.validate_rules ? JSON.parse(f.validate_rules) : {}) as ValidateRules;
  switch (f.data_type) {
    case 'STRING': {
      if (typeof value !== 'string') bad('a string is expected');
      const s = value as string;
      if (s.length > (rules.maxLength ?? MAX_STRING)) bad(`at most ${rules.maxLength ?? MAX_STRING} characters`);
      if (rules.minLength !== undefined && s.length < rules.minLength) bad(`at least ${rules.minLength} characters`);
      return s;
    }
    case 'NUMBER': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) bad('a number is expected');
      if (rules.min !== undefined && n < rules.min) bad(`at least ${rules.min}`);
      if (rules.max !== undefined && n > rules.max) bad(`at most ${rules.max}`);
      return n;
    }
    case 'DATETIME': {
      const t = typeof value === 'number' ? value : typeof value === 'string' && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? Date.parse(value) : NaN;
      if (!Number.isFinite(t)) bad('an ISO-8601 date or epoch milliseconds is expected');
      return new Date(t).toISOString();
    }
    case 'BOOLEAN':
      if (value === true || value === 'true') return true;
      if (value === false || value === 'false') return false;
      return bad('true or false is expected');
    case 'ENUM': {
      const options = (f.options ? JSON.parse(f.options) : []) as Array<{ value: string }>;
      if (typeof value !== 'string' || !options.some((o) => o.value === value)) bad(`one of ${options.map((o) => o.value).join(', ')} is expected`);
      return value;
    }
    case 'OBJECT':
      if (typeof value !== 'object' || Array.isArray(value)) bad('a JSON object is expected');
      if (JSON.stringify(value).length > 16_384) bad('at most 16 KiB as JSON');
      return value;
    default:
      return bad(`unknown type ${f.data_type}`);
  }
}

/** The form a unique value is compared in (strings as given, numbers in their canonical text). */
export const uniqueForm = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v));
