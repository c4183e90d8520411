import { AppError } from '../../errors/app-error.js';
import { applyIdentifierProfile, characterProblem, foldIdentifier, normalizeIdentifier, type IdentifierProblem } from '../../utils/identifiers.js';

/**
 * The identifier profile applied to user writes (registration, import, management create and
 * update) and the mapping applied to user lookups — one rule set, described in
 * utils/identifiers.ts and docs/security.md "Identifiers". Passwords never pass through here.
 */
export { normalizeIdentifier, foldIdentifier };

function toError(field: string, p: IdentifierProblem): AppError {
  switch (p.kind) {
    case 'control':
      return new AppError('identifier.control_characters', { params: { field } });
    case 'invisible':
      return new AppError('identifier.invisible_characters', { params: { field } });
    case 'disallowed':
      return new AppError('identifier.disallowed_characters', { params: { field } });
    case 'blank':
      return new AppError('identifier.blank', { params: { field } });
    case 'mixed_script':
      return new AppError('identifier.mixed_script', { params: { field, scripts: p.scripts.join(', ') } });
    case 'confusable':
      return new AppError('identifier.confusable', { params: { field } });
  }
}

/** A username as stored: the full profile (NFKC, lower case, trimmed, script rules); throws the catalogued refusal. */
export function profileUsername(value: string, field = 'username'): string {
  const r = applyIdentifierProfile(value);
  if ('problem' in r) throw toError(field, r.problem);
  return r.value;
}

/** An email as stored: the character rules and NFKC + lower case + trim (no script rules: local parts and domains differ). */
export function profileEmail(value: string, field = 'email'): string {
  const r = applyIdentifierProfile(value, { scriptRules: false });
  if ('problem' in r) throw toError(field, r.problem);
  return r.value;
}

/** Phone numbers, external ids and other identifiers stored as given: only the character rules. */
export function assertIdentifierCharacters(value: string, field: string): void {
  const p = characterProblem(value);
  if (p) throw toError(field, p);
}

/** The stored form to look a username or email up by (never throws: an unusable value simply finds nobody). */
export const lookupForm = (value: string): string => foldIdentifier(value);
