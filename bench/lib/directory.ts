import { createHash, randomBytes } from 'node:crypto';
import { Attribute, Change } from 'ldapts';
import type { SlapdFixture } from '../../packages/connectors/test/fixtures/directories/index.js';

/**
 * Directory users for the `ldap` scenario (docs/performance.md, "Scenarios of the newer paths").
 *
 * Why not one user: the sign-in engine's attempt guard reserves an attempt per identifier
 * *before* the directory is asked (flows/engine/attempt-guard.ts), and refuses the attempt as
 * "account locked" when more than `lockAfter` (10) reservations of one identifier are open at
 * once — the property that a parallel burst gets at most `lockAfter` verifications. Sixteen
 * connections signing in as one directory user keep up to sixteen reservations open, so
 * whenever successes lag a few binds behind, the 11th concurrent one is refused: the 48
 * "account locked" answers of the first quiet run. That is the product working as specified,
 * not something to weaken; the bench instead spreads its load so no identifier has more than a
 * couple of sign-ins in flight: `count` users, used round-robin.
 *
 * Each is shaped like the fixture's alice (mail, phone, employee number, member of both groups:
 * the same attribute and group sync per sign-in) and falls under the fixture's default password
 * policy, which has no directory-side lockout. They are added to the throwaway slapd the
 * scenario starts, so no other scenario's counters are shared with them.
 */
export async function addDirectoryUsers(dir: SlapdFixture, count: number, password: string): Promise<string[]> {
  const uids = Array.from({ length: count }, (_, i) => `bench${i}`);
  const ssha = (pw: string) => {
    const salt = randomBytes(8);
    return `{SSHA}${Buffer.concat([createHash('sha1').update(pw).update(salt).digest(), salt]).toString('base64')}`;
  };
  await dir.withClient(async (c) => {
    for (const [i, uid] of uids.entries()) {
      await c.add(`uid=${uid},${dir.peopleDn}`, {
        objectClass: 'inetOrgPerson',
        uid,
        cn: `Bench ${i}`,
        sn: `${i}`,
        givenName: 'Bench',
        mail: `${uid}@example.test`,
        telephoneNumber: `+1555020${String(i).padStart(4, '0')}`,
        employeeNumber: `B-${i}`,
        userPassword: ssha(password),
      });
    }
    for (const group of [dir.groups.staff, dir.groups.admins]) {
      await c.modify(group, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: uids.map((u) => `uid=${u},${dir.peopleDn}`) }) }));
    }
  });
  return uids;
}
