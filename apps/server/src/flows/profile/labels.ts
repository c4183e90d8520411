/**
 * Display names of the built-in profile fields a profile completion may ask for, in the four
 * languages of the login UI (the custom fields' own `i18n.label` uses the same language keys).
 * The step sends them with each asked field (`labels`), so every front end — the hosted page, the
 * element, Authing Guard — words a built-in field the same way. A key missing here is shown as is.
 */
export type FieldLang = 'en-US' | 'zh-CN' | 'zh-TW' | 'ja-JP';
type L = Record<FieldLang, string>;
const l = (en: string, zhCN: string, zhTW: string, ja: string): L => ({ 'en-US': en, 'zh-CN': zhCN, 'zh-TW': zhTW, 'ja-JP': ja });

export const BUILT_IN_FIELD_LABELS: Readonly<Record<string, L>> = {
  nickname: l('Nickname', '昵称', '暱稱', 'ニックネーム'),
  name: l('Full name', '姓名', '姓名', '氏名'),
  givenName: l('Given name', '名', '名', '名'),
  familyName: l('Family name', '姓', '姓', '姓'),
  middleName: l('Middle name', '中间名', '中間名', 'ミドルネーム'),
  preferredUsername: l('Preferred username', '希望的用户名', '偏好的使用者名稱', '希望するユーザー名'),
  profile: l('Profile page', '个人主页', '個人頁面', 'プロフィールページ'),
  website: l('Website', '个人网站', '個人網站', 'ウェブサイト'),
  photo: l('Photo', '头像', '頭像', '写真'),
  birthdate: l('Date of birth', '出生日期', '出生日期', '生年月日'),
  zoneinfo: l('Time zone', '时区', '時區', 'タイムゾーン'),
  locale: l('Language', '语言', '語言', '言語'),
  address: l('Address', '地址', '地址', '住所'),
  streetAddress: l('Street address', '街道地址', '街道地址', '番地'),
  city: l('City', '城市', '城市', '市区町村'),
  province: l('Province', '省份', '省份', '都道府県'),
  region: l('Region', '地区', '地區', '地域'),
  formatted: l('Full address', '完整地址', '完整地址', '住所（全体）'),
  postalCode: l('Postal code', '邮政编码', '郵遞區號', '郵便番号'),
  country: l('Country', '国家', '國家', '国'),
  company: l('Company', '公司', '公司', '会社'),
  gender: l('Gender', '性别', '性別', '性別'),
  phoneCountryCode: l('Country calling code', '国际区号', '國際區號', '国番号'),
  browser: l('Browser', '浏览器', '瀏覽器', 'ブラウザー'),
  device: l('Device', '设备', '裝置', 'デバイス'),
  identityNumber: l('ID number', '身份证号', '身分證字號', '身分証明書番号'),
};

/** A client's language tag (`x-authing-lang`, `Accept-Language`) as one of the four. */
export function fieldLangOf(tag: string | undefined | null): FieldLang {
  const t = (tag ?? '').trim().toLowerCase();
  if (t.startsWith('zh')) return /^zh[-_](tw|hk|mo|hant)/.test(t) ? 'zh-TW' : 'zh-CN';
  if (t.startsWith('ja')) return 'ja-JP';
  return 'en-US';
}
