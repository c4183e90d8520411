/**
 * DN comparison for role mapping. Directories return DNs in their own spelling
 * (`CN=Staff,CN=Users,DC=example,DC=test` from AD) while administrators type them in theirs
 * (`cn=staff, cn=users, dc=example, dc=test`). RFC 4514 makes attribute types case-insensitive and
 * the usual naming attributes (cn, ou, dc, uid, o) use caseIgnoreMatch, so a lower-cased form
 * without the optional spaces around separators compares them well enough.
 *
 * Not a full RFC 4517 DN matcher: values in another matching rule (caseExactMatch) or written
 * with different hex escapes compare unequal. That only makes a mapping not apply; it can never
 * make one group match another's DN.
 */
export function normalizeDn(dn: string): string {
  const rdns: string[] = [];
  let current = '';
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i] as string;
    if (c === '\\' && i + 1 < dn.length) {
      current += c + (dn[i + 1] as string);
      i++;
    } else if (c === ',' || c === ';') {
      rdns.push(current);
      current = '';
    } else current += c;
  }
  rdns.push(current);
  return rdns
    .map((rdn) =>
      rdn
        .split('+')
        .map((ava) => {
          const eq = ava.indexOf('=');
          if (eq < 0) return ava.trim().toLowerCase();
          return `${ava.slice(0, eq).trim().toLowerCase()}=${ava.slice(eq + 1).trim().toLowerCase()}`;
        })
        .join('+'),
    )
    .join(',');
}

/**
 * Role codes for a user's groups: `roleMap` is `{ "<group DN>": "<role code>" }`. The server
 * grants these and removes mapped roles the user no longer qualifies for (roles outside the map
 * are left alone).
 */
export function rolesForGroups(roleMap: Record<string, string>, groups: readonly string[]): string[] {
  const member = new Set(groups.map(normalizeDn));
  const roles = new Set<string>();
  for (const [dn, role] of Object.entries(roleMap)) if (member.has(normalizeDn(dn))) roles.add(role);
  return [...roles].sort();
}

/** Every role code the map can grant: the set the server may remove when membership ends. */
export function mappedRoles(roleMap: Record<string, string>): string[] {
  return [...new Set(Object.values(roleMap))].sort();
}
