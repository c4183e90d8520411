/**
 * A directory entry → IdentityProfile. The id is the directory's immutable object id, never the
 * DN, uid, sAMAccountName or mail (all renameable, and a deleted-then-recreated "alice" must not
 * inherit the old Gatehouse account).
 */
import type { IdentityProfile } from '@gatehouse/connector-kit';
import type { Entry } from 'ldapts';
import type { UserField } from './defaults.js';

/**
 * objectGUID bytes → the GUID string AD tools show ([MS-DTYP] §2.3.4: the first three fields are
 * little-endian), e.g. `{d3b4c9a1-…}` without braces, lower case.
 */
export function guidToString(bytes: Buffer): string | undefined {
  if (bytes.length !== 16) return undefined;
  const h = (i: number) => bytes[i]!.toString(16).padStart(2, '0');
  const le = (idx: number[]) => idx.map(h).join('');
  return `${le([3, 2, 1, 0])}-${le([5, 4])}-${le([7, 6])}-${le([8, 9])}-${le([10, 11, 12, 13, 14, 15])}`;
}

/** Case-insensitive attribute read (directories answer in their own case: `objectGUID`, `mail`). */
export function attr(entry: Entry, name: string): Entry[string] | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(entry)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function firstString(value: Entry[string] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  if (typeof first === 'string') return first || undefined;
  return undefined;
}

/** The stable id from the first present id attribute; undefined when the entry has none. */
export function stableId(entry: Entry, idAttributes: string[]): string | undefined {
  for (const name of idAttributes) {
    const value = attr(entry, name);
    const first = Array.isArray(value) ? value[0] : value;
    if (Buffer.isBuffer(first)) {
      const guid = guidToString(first);
      if (guid) return guid;
    } else if (typeof first === 'string' && first) return first.toLowerCase();
  }
  return undefined;
}

/** Attributes that never go into `raw` (secrets, or binary noise). */
const NEVER_RAW = new Set(['userpassword', 'unicodepwd', 'ntpwdhistory', 'lmpwdhistory', 'supplementalcredentials', 'jpegphoto', 'thumbnailphoto']);

export function toProfile(
  entry: Entry,
  id: string,
  attributeMap: Record<string, UserField>,
  groups: string[],
): IdentityProfile {
  const profile: IdentityProfile = { id, raw: {}, groups };
  for (const [ldapName, field] of Object.entries(attributeMap)) {
    const value = firstString(attr(entry, ldapName));
    if (value === undefined) continue;
    // The directory is the source of truth for these fields; it does not assert the e-mail address
    // or phone as verified (users may edit their own entries in many directories), so the
    // *Verified flags stay unset and the server applies its linking policy.
    if (field === 'username') profile.username = value;
    else if (field === 'email') profile.email = value;
    else if (field === 'phone') profile.phone = value;
    else if (field === 'name') profile.name = value;
    else if (field === 'picture') profile.picture = value;
    else if (field === 'externalId') profile.externalId = value;
  }
  const raw: Record<string, unknown> = { dn: entry.dn };
  for (const [k, v] of Object.entries(entry)) {
    if (k === 'dn' || NEVER_RAW.has(k.toLowerCase())) continue;
    if (Array.isArray(v) && v.length === 0) continue; // requested but absent
    if (Buffer.isBuffer(v)) raw[k] = k.toLowerCase() === 'objectguid' ? guidToString(v) : v.toString('base64');
    else if (Array.isArray(v)) raw[k] = v.map((x) => (Buffer.isBuffer(x) ? x.toString('base64') : x));
    else raw[k] = v;
  }
  profile.raw = raw;
  return profile;
}
