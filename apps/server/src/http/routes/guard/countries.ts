/**
 * The country list Guard's completion form loads for a field named `country`
 * (`GET /api/v2/country-list`: `{ zh: { CN: '中国', … }, en: { CN: 'China', … } }`; Guard shows
 * "name (code)" and submits the ISO 3166-1 alpha-2 code). Built from the runtime's ICU region
 * names (Intl.DisplayNames) rather than a shipped table; groupings and pseudo-regions are left out.
 */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'QO', 'UN', 'XA', 'XB', 'ZZ']);
let cached: { zh: Record<string, string>; en: Record<string, string> } | null = null;

export function countryList(): { zh: Record<string, string>; en: Record<string, string> } {
  if (cached) return cached;
  const en = new Intl.DisplayNames(['en'], { type: 'region' });
  const zh = new Intl.DisplayNames(['zh-CN'], { type: 'region' });
  const list = { zh: {} as Record<string, string>, en: {} as Record<string, string> };
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (NOT_COUNTRIES.has(code)) continue;
      const name = en.of(code);
      // An unknown code comes back as itself.
      if (!name || name === code) continue;
      list.en[code] = name;
      list.zh[code] = zh.of(code) ?? name;
    }
  }
  cached = list;
  return list;
}
