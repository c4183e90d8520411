/**
 * Phone numbers as the China providers return them: WeChat `phoneNumber` (`+` optional, with
 * `countryCode`), DingTalk `mobile` + `stateCode`, WeCom/Yidun bare mainland numbers.
 */
export interface SplitPhone {
  /** E.164, e.g. +8613800138000 */
  phone: string;
  /** e.g. +86, when known */
  phoneCountryCode?: string;
}

/** `national` digits with a country code (default 86); undefined when it is not a plausible number. */
export function toPhone(national: string | undefined, countryCode?: string): SplitPhone | undefined {
  if (!national) return undefined;
  const raw = national.replace(/[\s-]/g, '');
  const cc = countryCode?.replace(/^\+/, '');
  if (cc !== undefined && !/^\d{1,4}$/.test(cc)) return undefined;
  if (raw.startsWith('+')) {
    if (!/^\+\d{6,15}$/.test(raw)) return undefined;
    return cc ? { phone: raw, phoneCountryCode: `+${cc}` } : { phone: raw };
  }
  if (!/^\d{4,14}$/.test(raw)) return undefined;
  return { phone: `+${cc ?? '86'}${raw}`, phoneCountryCode: `+${cc ?? '86'}` };
}
