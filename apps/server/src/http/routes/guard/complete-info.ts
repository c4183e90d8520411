import type { Challenge } from '../../../flows/engine/types.js';
import { fieldLangOf } from '../../../flows/profile/labels.js';
import { PROFILE_STEP, type AskedField } from '../../../flows/profile/step.js';

/**
 * Profile completion in Authing Guard's shape (Guard 5's `LOGIN_COMPLETE_INFO` module; its
 * source: guard-core-v4 `src/CompleteInfo/interface.ts`, and the response interceptor of its
 * HTTP client). Guard reads the answer of a sign-in like this:
 *
 *  - `statusCode` 3xx: "show another module", chosen by `apiCode` — 1642 (`COMPLETE_INFO`) opens the
 *    completion form with `data` as its `initData` (`{ metaData, skip }`); a top-level
 *    `flowHandle` is kept and sent back with every `POST /interaction/authFlow`;
 *  - `statusCode` 3xx with `apiCode` 1600 (`FLOW_END`): the flow is over; `data.user` is handed to
 *    the application's `login` event;
 *  - `statusCode` 4xx: a message is shown and the form stays (the v2 error envelope).
 *
 * The form submits `{ action: 'complete-completion', data: { fieldValues: [{ name, value }] },
 * flowHandle }`. The flow handle is the engine's flow token: the answer goes through
 * `engine.continue` like every other answer of the step, and the finish is the engine's.
 */
export const GUARD_COMPLETE_INFO = 1642;
/** Guard's `FLOW_END`: not an error, the marker of a finished flow (so it is not in the error catalog). */
export const GUARD_FLOW_END = 1600;
/** "Go to another module" (any 3xx: Guard compares `Math.floor(statusCode / 100) === 3`). */
const CHANGE_MODULE = 302;

export const GUARD_ACTIONS = { complete: 'complete-completion', skip: 'skip-completion' } as const;

/** Guard's input controls (`CompleteInfoExtendsControls`) for the step's input types. */
const CONTROL: Record<string, string> = { text: 'text', password: 'text', email: 'text', color: 'text', number: 'number', date: 'date', checkbox: 'boolean', select: 'select' };

export interface GuardMetaData {
  type: string;
  label: string;
  name: string;
  required: boolean;
  validateRules: never[];
  options?: Array<{ value: string; label: string }>;
}

/**
 * The asked fields as Guard's `metaData`, labelled in the caller's language (`x-authing-lang`).
 * Rules are not sent in Guard's rule language (regular expressions): the server checks every
 * value (type, rules, options, uniqueness) and answers a refusal as a message.
 */
export function toGuardMetaData(fields: AskedField[], langTag: string | undefined): GuardMetaData[] {
  const lang = fieldLangOf(langTag);
  return fields.map((f) => {
    // Guard draws `gender` (M / F) by the field's name; a select without options would be empty.
    const type = f.type === 'user' && f.key === 'gender' ? 'gender' : f.inputType === 'select' && !f.options?.length ? 'text' : (CONTROL[f.inputType] ?? 'text');
    return { type, label: f.labels[lang] ?? f.labels['en-US'] ?? f.label, name: f.key, required: f.required, validateRules: [], ...(f.options?.length ? { options: f.options } : {}) };
  });
}

/** The answer of a sign-in that waits for profile completion, in Guard's shape; null for another step. */
export function guardChallenge(c: Challenge, langTag: string | undefined, message: string) {
  if (c.step !== PROFILE_STEP) return null;
  const metaData = toGuardMetaData((c.data.fields ?? []) as AskedField[], langTag);
  // Guard's "skip" button only when nothing asked is required (a skip is an answer without values).
  const skip = !metaData.some((f) => f.required);
  return { code: GUARD_COMPLETE_INFO, statusCode: CHANGE_MODULE, apiCode: GUARD_COMPLETE_INFO, message, flowHandle: c.flowToken, data: { metaData, skip, flowHandle: c.flowToken } };
}

/** Guard's `fieldValues` as the step's answer (`{ values: { key: value } }`); the step checks each value. */
export function valuesOf(data: unknown): Record<string, unknown> {
  const list = (data as { fieldValues?: unknown } | null | undefined)?.fieldValues;
  const values: Record<string, unknown> = {};
  if (!Array.isArray(list)) return values;
  for (const item of list.slice(0, 50)) {
    if (!item || typeof item !== 'object') continue;
    const { name, value } = item as { name?: unknown; value?: unknown };
    if (typeof name === 'string' && name) values[name] = value;
  }
  return values;
}

/** A finished flow in Guard's shape: `data.user` becomes the `login` event's user. */
export const guardFlowEnd = <U>(user: U) => ({ code: 200, statusCode: CHANGE_MODULE, apiCode: GUARD_FLOW_END, message: '', data: { user } });
