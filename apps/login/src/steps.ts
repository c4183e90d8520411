import type { FunctionComponent } from 'preact';
import type { Lang, Strings } from './i18n.js';

/**
 * The step host's registry: one component per engine step name (the `step` of a challenge).
 * MFA (TOTP, SMS/email second factor, passkeys), profile completion, agreements and account
 * linking add their screen here — `STEP_COMPONENTS['mfa'] = MfaStep` — in their own file. A
 * component gets the challenge's client-safe `data` and answers with `answer(input)`, which
 * calls `engine.continue` through the login API. A step without a component whose data lists
 * `fields` (the login-method field shape) gets a generic form.
 */
export interface StepProps {
  step: string;
  data: Record<string, unknown>;
  t: Strings;
  lang: Lang;
  busy: boolean;
  answer(input: Record<string, unknown>): Promise<void>;
  /** The UI's labelled input, for steps to reuse. */
  Field: FunctionComponent<{ label: string; name: string; type?: string; value: string; onInput: (v: string) => void; autocomplete?: string | undefined; inputMode?: string; autofocus?: boolean; required?: boolean }>;
}

export const STEP_COMPONENTS: Record<string, FunctionComponent<StepProps>> = {};
