import { AppError } from '../../errors/app-error.js';
import type { UserRow } from '../../storage/repositories/users.js';

/*
 * Rules of DYNAMIC groups (a Gatehouse extension of the vendor's group `type`): a list of
 * conditions over user fields, all or any of which must hold. Evaluated at sign-in (the
 * membership is stored then, so claims, listings and permission checks read one table).
 * Comparisons ignore case.
 */

export const RULE_FIELDS = {
  email: 'email',
  username: 'username',
  phone: 'phone',
  name: 'name',
  nickname: 'nickname',
  company: 'company',
  externalId: 'external_id',
  status: 'status',
  gender: 'gender',
  city: 'city',
  province: 'province',
  country: 'country',
} as const satisfies Record<string, keyof UserRow>;
export const RULE_OPERATORS = ['equals', 'notEquals', 'contains', 'startsWith', 'endsWith', 'in'] as const;

export interface RuleCondition {
  field: keyof typeof RULE_FIELDS;
  operator: (typeof RULE_OPERATORS)[number];
  value: string | string[];
}
export interface GroupRule {
  match: 'all' | 'any';
  conditions: RuleCondition[];
}

const invalid = (reason: string) => new AppError('group.invalid_rule', { params: { reason } });

/** Checks a rule from the API and returns it in its stored form. */
export function parseRule(input: unknown): GroupRule {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw invalid('the rule must be an object with match and conditions');
  const r = input as Record<string, unknown>;
  const match = r.match ?? 'all';
  if (match !== 'all' && match !== 'any') throw invalid('match must be all or any');
  if (!Array.isArray(r.conditions) || r.conditions.length === 0 || r.conditions.length > 20) throw invalid('conditions must list 1 to 20 conditions');
  const conditions = r.conditions.map((c: unknown, i): RuleCondition => {
    const cond = (c ?? {}) as Record<string, unknown>;
    if (typeof cond.field !== 'string' || !Object.hasOwn(RULE_FIELDS, cond.field)) throw invalid(`conditions[${i}].field must be one of ${Object.keys(RULE_FIELDS).join(', ')}`);
    if (typeof cond.operator !== 'string' || !(RULE_OPERATORS as readonly string[]).includes(cond.operator)) throw invalid(`conditions[${i}].operator must be one of ${RULE_OPERATORS.join(', ')}`);
    const value = cond.value;
    const isList = Array.isArray(value) && value.length > 0 && value.length <= 100 && value.every((v) => typeof v === 'string' && v.length <= 255);
    if (cond.operator === 'in' ? !isList : typeof value !== 'string' || value.length === 0 || value.length > 255) throw invalid(`conditions[${i}].value must be ${cond.operator === 'in' ? 'a list of 1 to 100 strings' : 'a non-empty string'}`);
    return { field: cond.field as RuleCondition['field'], operator: cond.operator as RuleCondition['operator'], value: value as string | string[] };
  });
  return { match, conditions };
}

function holds(user: UserRow, c: RuleCondition): boolean {
  const raw = user[RULE_FIELDS[c.field]];
  const v = typeof raw === 'string' ? raw.toLowerCase() : '';
  if (c.operator === 'in') return (c.value as string[]).some((x) => x.toLowerCase() === v);
  const want = (c.value as string).toLowerCase();
  switch (c.operator) {
    case 'equals':
      return v === want;
    case 'notEquals':
      return v !== want;
    case 'contains':
      return v.includes(want);
    case 'startsWith':
      return v.startsWith(want);
    case 'endsWith':
      return v.endsWith(want);
  }
  return false;
}

export function matches(rule: GroupRule, user: UserRow): boolean {
  return rule.match === 'all' ? rule.conditions.every((c) => holds(user, c)) : rule.conditions.some((c) => holds(user, c));
}
