import { useRef, useState } from 'preact/hooks';
import type { Lang } from './i18n.js';
import { STEP_COMPONENTS, type StepProps } from './steps.js';

/**
 * Registration information completion (engine step `complete-profile`, docs/custom-fields.md):
 * the app's fields the user still lacks — custom fields with their display names in the page's
 * language, built-in profile fields with ours — as one form. The server checks every value
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

/** Built-in profile fields by key (the server sends their key as the label). */
const BUILT_IN: Record<string, S> = {
  nickname: { en: 'Nickname', 'zh-CN': '昵称', 'zh-TW': '暱稱', ja: 'ニックネーム' },
  name: { en: 'Full name', 'zh-CN': '姓名', 'zh-TW': '姓名', ja: '氏名' },
  givenName: { en: 'Given name', 'zh-CN': '名', 'zh-TW': '名', ja: '名' },
  familyName: { en: 'Family name', 'zh-CN': '姓', 'zh-TW': '姓', ja: '姓' },
  company: { en: 'Company', 'zh-CN': '公司', 'zh-TW': '公司', ja: '会社' },
  city: { en: 'City', 'zh-CN': '城市', 'zh-TW': '城市', ja: '市区町村' },
  province: { en: 'Province', 'zh-CN': '省份', 'zh-TW': '省份', ja: '都道府県' },
  country: { en: 'Country', 'zh-CN': '国家', 'zh-TW': '國家', ja: '国' },
  address: { en: 'Address', 'zh-CN': '地址', 'zh-TW': '地址', ja: '住所' },
  postalCode: { en: 'Postal code', 'zh-CN': '邮政编码', 'zh-TW': '郵遞區號', ja: '郵便番号' },
  birthdate: { en: 'Date of birth', 'zh-CN': '出生日期', 'zh-TW': '出生日期', ja: '生年月日' },
  website: { en: 'Website', 'zh-CN': '个人网站', 'zh-TW': '個人網站', ja: 'ウェブサイト' },
  gender: { en: 'Gender', 'zh-CN': '性别', 'zh-TW': '性別', ja: '性別' },
};
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
  const labelOf = (f: Asked) => (f.type === 'user' ? (BUILT_IN[f.key]?.[p.lang] ?? f.key) : (f.labels?.[FIELD_LANG[p.lang]] ?? f.label));
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
