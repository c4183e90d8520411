import { useRef, useState } from 'preact/hooks';
import type { Lang } from './i18n.js';
import { STEP_COMPONENTS, type StepProps } from './steps.js';

/**
 * Registration information completion (engine step `complete-profile`, docs/custom-fields.md):
 * the app's fields the user still lacks — custom and built-in fields with the display names the
 * server sends in the page's language — as one form. The server checks every value
 * (type, rules, options, uniqueness) and answers a refusal in the alert above the form; the
 * sign-in keeps waiting until an answer is accepted.
 */
type S = Record<Lang, string>;
const L = {
  title: { en: 'Complete your profile', 'zh-CN': '补全个人信息', 'zh-TW': '補全個人資訊', ja: 'プロフィールを入力してください' },
  lead: { en: 'This application needs a few more details before you continue.', 'zh-CN': '继续之前，该应用需要您补充以下信息。', 'zh-TW': '繼續之前，此應用程式需要您補充以下資訊。', ja: '続行する前に、このアプリケーションでは次の情報が必要です。' },
  optional: { en: '(optional)', 'zh-CN': '（选填）', 'zh-TW': '（選填）', ja: '（任意）' },
  choose: { en: 'Choose…', 'zh-CN': '请选择…', 'zh-TW': '請選擇…', ja: '選択してください…' },
  submit: { en: 'Continue', 'zh-CN': '继续', 'zh-TW': '繼續', ja: '続行' },
} satisfies Record<string, S>;

const FIELD_LANG: Record<Lang, string> = { en: 'en-US', 'zh-CN': 'zh-CN', 'zh-TW': 'zh-TW', ja: 'ja-JP' };

interface Asked {
  key: string;
  type: 'udf' | 'user';
  required: boolean;
  inputType: string;
  label: string;
  labels?: Record<string, string>;
  options?: Array<{ value: string; label: string }>;
}

const INPUT_TYPES = new Set(['text', 'password', 'number', 'date', 'color', 'email']);
let uid = 0;

export function ProfileStep(p: StepProps) {
  const t = (k: keyof typeof L) => L[k][p.lang] ?? L[k].en;
  const fields = (Array.isArray(p.data.fields) ? p.data.fields : []) as Asked[];
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const base = useRef(`gh-profile-${++uid}`).current;
  // The server labels every field in the four languages (a built-in field's from flows/profile/labels.ts).
  const labelOf = (f: Asked) => f.labels?.[FIELD_LANG[p.lang]] ?? f.label;
  const set = (k: string, v: string | boolean) => setValues({ ...values, [k]: v });

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void p.answer({ values });
      }}
      noValidate
    >
      <h2>{t('title')}</h2>
      <p class="gh-lead">{t('lead')}</p>
      {fields.map((f, i) => {
        const id = `${base}-${f.key}`;
        const label = `${labelOf(f)}${f.required ? '' : ` ${t('optional')}`}`;
        if (f.inputType === 'checkbox')
          return (
            <label class="gh-check" key={f.key}>
              <input type="checkbox" name={f.key} checked={values[f.key] === true} onChange={(e) => set(f.key, (e.currentTarget as HTMLInputElement).checked)} />
              <span>{label}</span>
            </label>
          );
        if (f.inputType === 'select' && f.options)
          return (
            <div class="gh-field" key={f.key}>
              <label for={id}>{label}</label>
              <select id={id} name={f.key} required={f.required} aria-required={f.required} value={String(values[f.key] ?? '')} onChange={(e) => set(f.key, (e.currentTarget as HTMLSelectElement).value)}>
                <option value="">{t('choose')}</option>
                {f.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            </div>
          );
        return (
          <p.Field
            key={f.key}
            label={label}
            name={f.key}
            type={INPUT_TYPES.has(f.inputType) ? f.inputType : 'text'}
            value={String(values[f.key] ?? '')}
            onInput={(v) => set(f.key, v)}
            autocomplete={f.type === 'user' && f.key === 'name' ? 'name' : f.type === 'user' && f.key === 'nickname' ? 'nickname' : 'off'}
            autofocus={i === 0}
            required={f.required}
          />
        );
      })}
      <button type="submit" class="gh-primary" disabled={p.busy}>
        {t('submit')}
      </button>
    </form>
  );
}

STEP_COMPONENTS['complete-profile'] = ProfileStep;
