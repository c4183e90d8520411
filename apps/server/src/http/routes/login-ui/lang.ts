/**
 * The login UI's language: `ui_locales` (OIDC Core §3.1.2.1, space-separated, in preference
 * order) first, then Accept-Language, then the branding's default language, then English.
 */
export type UiLang = 'en' | 'zh-CN' | 'zh-TW' | 'ja';

function match(tag: string): UiLang | null {
  const t = tag.trim().toLowerCase();
  if (t.startsWith('zh')) return /^zh-(tw|hk|mo|hant)/.test(t) ? 'zh-TW' : 'zh-CN';
  if (t.startsWith('ja')) return 'ja';
  if (t.startsWith('en')) return 'en';
  return null;
}

export function uiLang(e: { uiLocales?: unknown; acceptLanguage?: string | undefined; defaultLanguage?: string | null | undefined }): UiLang {
  if (typeof e.uiLocales === 'string') for (const t of e.uiLocales.split(' ')) if (match(t)) return match(t)!;
  const prefs = (e.acceptLanguage ?? '')
    .split(',')
    .map((p) => {
      const [tag, q] = p.trim().split(';q=');
      return { tag: tag ?? '', q: q === undefined ? 1 : Number(q) || 0 };
    })
    .filter((p) => p.tag)
    .sort((a, b) => b.q - a.q);
  for (const p of prefs) if (match(p.tag)) return match(p.tag)!;
  if (e.defaultLanguage) return match(e.defaultLanguage) ?? 'en';
  return 'en';
}

/** The server-rendered fallback speaks English and Simplified Chinese. */
export const fallbackLang = (l: UiLang): 'en' | 'zh' => (l.startsWith('zh') ? 'zh' : 'en');
