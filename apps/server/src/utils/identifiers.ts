/**
 * The identifier profile (docs/security.md "Identifiers"): pure text functions, shared by the
 * users service (which turns findings into catalogued errors), the request-input check and the
 * storage migration that brings stored usernames into the same form.
 *
 * Gatehouse's rule set is PRECIS UsernameCaseMapped (RFC 8265 §3.3) in spirit, with two
 * deliberate differences so existing vendor data keeps working: compatibility mapping is full
 * NFKC (RFC 8265 maps only width; NFKC also folds ligatures, superscripts and the like), and
 * inner spaces are allowed (the IdentifierClass of RFC 8264 refuses them; vendor usernames such
 * as "Zhang San" exist). Step by step:
 *
 * 1. Refuse control characters (C0, DEL, C1 — NUL, CR, LF, TAB, ESC …).
 * 2. Refuse bidirectional controls (LRM/RLM/ALM, LRE…RLO, LRI…PDI) and every other default-
 *    ignorable code point (zero-width space/joiners, soft hyphen, variation selectors, tag
 *    characters): invisible characters make two different names look the same.
 * 3. Refuse unassigned, private-use and lone surrogate code points (RFC 8264 §9.4, §9.5).
 * 4. Map: NFKC, then Unicode default lower-casing (RFC 8265 §3.3.2 step 3 `toLowerCase`), then
 *    trim white space at both ends.
 * 5. Refuse an empty result (including "only spaces").
 * 6. Refuse mixed scripts as UTS #39 §5.2 "Highly Restrictive": one script, plus Common and
 *    Inherited characters (digits, punctuation, combining marks), or Latin with Han and
 *    Hiragana/Katakana (Japanese), Han and Bopomofo (Chinese) or Han and Hangul (Korean).
 * 7. Refuse a name written wholly in Cyrillic or Greek letters that all look like Latin letters
 *    ("раураl"): a whole-script confusable (UTS #39 §4) of a Latin name.
 *
 * What this does not catch: confusables within one script ("rn" and "m", "l" and "I" before
 * lower-casing), and whole-script confusables of scripts other than Cyrillic/Greek against Latin.
 * Passwords never pass through here: they are used exactly as sent.
 */

/** C0 controls, DEL and C1 controls. */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
/** Bidirectional formatting controls (Unicode UAX #9): marks, embeddings, overrides, isolates. */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** Zero-width and other invisible code points (DerivedCoreProperties Default_Ignorable_Code_Point). */
export const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;
/** Unassigned, private use, surrogates. */
export const DISALLOWED = /[\p{Cn}\p{Co}\p{Cs}]/u;

export type IdentifierProblem =
  | { kind: 'control' }
  | { kind: 'invisible' }
  | { kind: 'disallowed' }
  | { kind: 'blank' }
  | { kind: 'mixed_script'; scripts: string[] }
  | { kind: 'confusable' };

/** NFKC, default lower-casing, trimmed: the stored and compared form of usernames and emails. */
export const foldIdentifier = (value: string): string => value.normalize('NFKC').toLowerCase().trim();

/** Looks like a phone number: digits with +, spaces, dots, dashes or parentheses between them. */
const PHONE_LIKE = /^\+?[\d\s().-]*\d[\d\s().-]*$/;

/**
 * The one normalisation for looking identifiers up and for keying counters (lockout,
 * rate limits) on them: every spelling of one account maps to one string.
 * - a phone number (after NFKC, so full-width digits count): the digits, with a leading `+`
 *   when it had one (`+86 138-0000 0000` → `+8613800000000`);
 * - anything else (username, email, account): NFKC, default lower-casing, trimmed.
 * It never throws and never refuses: refusing is the profile's job at registration.
 */
export function normalizeIdentifier(value: string): string {
  const v = value.normalize('NFKC').trim();
  if (PHONE_LIKE.test(v)) return (v.startsWith('+') ? '+' : '') + v.replace(/\D/g, '');
  return v.toLowerCase();
}

/** Character-level problems (steps 1–3), in that order; null when none. */
export function characterProblem(value: string): IdentifierProblem | null {
  if (CONTROL_CHARACTERS.test(value)) return { kind: 'control' };
  if (BIDI_CONTROLS.test(value) || DEFAULT_IGNORABLE.test(value)) return { kind: 'invisible' };
  if (DISALLOWED.test(value)) return { kind: 'disallowed' };
  return null;
}

/** Scripts told apart by the mixed-script rule (ISO 15924 codes as Unicode property values). */
const SCRIPTS = [
  'Latn', 'Grek', 'Cyrl', 'Armn', 'Hebr', 'Arab', 'Syrc', 'Thaa', 'Deva', 'Beng', 'Guru', 'Gujr', 'Orya', 'Taml', 'Telu', 'Knda', 'Mlym', 'Sinh',
  'Thai', 'Laoo', 'Tibt', 'Mymr', 'Geor', 'Hang', 'Ethi', 'Cher', 'Khmr', 'Mong', 'Hira', 'Kana', 'Bopo', 'Hani', 'Yiii', 'Tfng', 'Copt', 'Runr', 'Ogam',
] as const;
type Script = (typeof SCRIPTS)[number] | 'Other';
const SCRIPT_RE = new Map<Script, RegExp>(SCRIPTS.map((s) => [s, new RegExp(`^\\p{Script_Extensions=${s}}$`, 'u')]));
const COMMON_OR_INHERITED = /^[\p{Script_Extensions=Zyyy}\p{Script_Extensions=Zinh}]$/u;

/** UTS #39 §5.1 augmented script sets: Han-using writing systems. */
const AUGMENT: Partial<Record<Script, Script[]>> = { Hani: ['Hira', 'Kana', 'Hang', 'Bopo'], Hira: ['Hani', 'Kana'], Kana: ['Hani', 'Hira'], Hang: ['Hani'], Bopo: ['Hani'] };
/** UTS #39 §5.2 Highly Restrictive: these multi-script combinations are single writing systems. */
const ALLOWED_COMBOS: Script[][] = [
  ['Latn', 'Hani', 'Hira', 'Kana'],
  ['Latn', 'Hani', 'Bopo'],
  ['Latn', 'Hani', 'Hang'],
];

/** The scripts a character belongs to (Script_Extensions), or null for Common/Inherited ones. */
function scriptsOf(ch: string): Set<Script> | null {
  if (COMMON_OR_INHERITED.test(ch)) return null;
  const out = new Set<Script>();
  for (const [s, re] of SCRIPT_RE) if (re.test(ch)) out.add(s);
  if (out.size === 0) out.add('Other');
  return out;
}

const augment = (s: Set<Script>) => new Set<Script>([...s].flatMap((x) => [x, ...(AUGMENT[x] ?? [])]));

/** Step 6: the scripts when they do not form one writing system, else null. */
export function mixedScripts(value: string): string[] | null {
  const sets: Array<Set<Script>> = [];
  for (const ch of value) {
    const s = scriptsOf(ch);
    if (s) sets.push(s);
  }
  if (sets.length === 0) return null;
  const resolved = sets.map(augment).reduce((acc, s) => new Set([...acc].filter((x) => s.has(x))));
  if (resolved.size > 0) return null;
  if (ALLOWED_COMBOS.some((combo) => sets.every((s) => [...s].some((x) => combo.includes(x))))) return null;
  return [...new Set(sets.flatMap((s) => [...s]))].sort();
}

/**
 * Cyrillic and Greek letters (lower case, after NFKC) that look like Latin letters, from the
 * Unicode confusables data (UTS #39 confusables.txt): а е о р с у х ѕ і ј ԁ һ ԛ ԝ ӏ ҽ ɡ-like …
 */
const LATIN_LOOKALIKES = new Set([...'аеорсухѕіјԁһԛԝӏьвкмнтѵ', ...'οαιρνυκτχεη']);
const CYRILLIC_OR_GREEK = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

/** Step 7: every letter is a Cyrillic or Greek look-alike of a Latin letter. */
export function wholeScriptConfusable(value: string): boolean {
  const letters = [...value].filter((ch) => /\p{L}/u.test(ch));
  return letters.length > 0 && letters.every((ch) => CYRILLIC_OR_GREEK.test(ch) && LATIN_LOOKALIKES.has(ch));
}

/**
 * Applies the whole profile to a username: returns the stored form or the first problem.
 * `scriptRules: false` skips steps 6–7 (emails: the domain is often Latin, the local part not).
 */
export function applyIdentifierProfile(value: string, opts: { scriptRules?: boolean } = {}): { value: string } | { problem: IdentifierProblem } {
  const chars = characterProblem(value);
  if (chars) return { problem: chars };
  const folded = foldIdentifier(value);
  // NFKC can produce characters the raw input did not have (e.g. from compatibility forms).
  const after = characterProblem(folded);
  if (after) return { problem: after };
  if (folded.length === 0 || /^\s*$/u.test(folded)) return { problem: { kind: 'blank' } };
  if (opts.scriptRules !== false) {
    const mixed = mixedScripts(folded);
    if (mixed) return { problem: { kind: 'mixed_script', scripts: mixed } };
    if (wholeScriptConfusable(folded)) return { problem: { kind: 'confusable' } };
  }
  return { value: folded };
}
