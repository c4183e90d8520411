import type { IdentityProfile } from '@gatehouse/connector-kit';
import { mappedRoles, rolesForGroups } from '@gatehouse/connectors';
import { AppError, isAppError } from '../../errors/app-error.js';
import type { UserRow } from '../../storage/repositories/users.js';
import type { Logger } from '../../utils/logger.js';
import type { UsersService } from '../users.js';
import type { DirectoryConnectionRecord, DirectoryIdentities, DirectoryRoles } from './types.js';

export interface ProvisioningDeps {
  identities: DirectoryIdentities;
  users: Pick<UsersService, 'create' | 'update'>;
  findUser(poolId: string, userId: string): Promise<UserRow | undefined>;
  roles: DirectoryRoles;
  log: Logger;
}

/** Profile fields a directory maps (`attributeMap` user fields) → the vendor user fields. */
type Mapped = { username?: string; email?: string; phone?: string; name?: string; photo?: string; externalId?: string };

function mappedFields(p: IdentityProfile): Mapped {
  const m: Mapped = {};
  if (p.username) m.username = p.username;
  if (p.email) m.email = p.email.trim().toLowerCase();
  if (p.phone) m.phone = p.phone.replace(/[\s()-]/g, '');
  if (p.name) m.name = p.name;
  if (p.picture) m.photo = p.picture;
  if (p.externalId) m.externalId = p.externalId;
  return m;
}

/** The field an identifier conflict or a refused value names, to leave that field out and try again. */
function refusedField(err: unknown, fields: Mapped): keyof Mapped | undefined {
  if (!isAppError(err)) return undefined;
  const named = err.code === 'user.already_exists' ? String(err.params?.field ?? '') : err.code === 'request.invalid_input' ? (err.details?.[0]?.path ?? '').replace(/^\/?(body\/)?/, '') : '';
  return (Object.keys(fields) as Array<keyof Mapped>).find((f) => f === named);
}

/**
 * Just-in-time provisioning (docs/ldap.md "Users and roles"). The identity is keyed by the
 * connection and the directory's immutable id (entryUUID / objectGUID), never by a name or a
 * mail address: the first successful bind creates the Gatehouse user and links it; later sign-ins
 * find it through the identity and refresh the mapped attributes, whatever was renamed.
 *
 * An identifier the directory maps (username, email, phone, externalId) that another Gatehouse
 * account already holds is left out and logged, never used to take that account over: a
 * directory entry cannot claim a local account by naming its mail address. Such an account is
 * linked only by its owner (signed in, through the federation link API).
 *
 * Roles: `roleMap` maps group DNs to role codes; at every sign-in the user gets the mapped roles
 * of the groups they are in and loses mapped roles of groups they left. Roles outside the map
 * (granted by an administrator) are never touched.
 */
export function createDirectoryProvisioning(deps: ProvisioningDeps) {
  /** Creates or updates with the mapped fields, leaving out any the user store refuses. */
  async function write(poolId: string, userId: string | null, wanted: Mapped, conn: DirectoryConnectionRecord): Promise<string> {
    const fields: Mapped = { ...wanted };
    for (let i = 0; i <= Object.keys(wanted).length; i++) {
      try {
        if (userId) {
          if (Object.keys(fields).length) await deps.users.update(poolId, { userId, ...fields });
          return userId;
        }
        // Every identifier is held by other accounts: this entry cannot get an account of its own,
        // and taking one of theirs is not ours to decide. The owner links it (link-identity).
        if (!fields.username && !fields.email && !fields.phone) throw new AppError('federation.link_required');
        return (await deps.users.create(poolId, { ...fields, status: 'Activated' })).userId;
      } catch (err) {
        const field = refusedField(err, fields);
        if (!field) throw err;
        deps.log.warn({ connection: conn.id, field, code: isAppError(err) ? err.code : undefined }, 'directory sign-in: a mapped attribute was left out (held by another account or not acceptable)');
        delete fields[field];
      }
    }
    throw new Error('unreachable: every mapped field was refused');
  }

  return {
    async provision(poolId: string, conn: DirectoryConnectionRecord, profile: IdentityProfile): Promise<UserRow | undefined> {
      const wanted = mappedFields(profile);
      const linked = await deps.identities.userOf(poolId, conn, profile.id);
      let userId: string;
      /** The user row as it stands after this sign-in, when nothing here wrote to it. */
      let unchanged: UserRow | undefined;
      if (linked) {
        const current = await deps.findUser(poolId, linked);
        if (!current) return undefined;
        // Only what changed: an unchanged field is not rewritten (nor re-checked for conflicts).
        const changed: Mapped = {};
        const now: Mapped = { username: current.username ?? undefined, email: current.email ?? undefined, phone: current.phone ?? undefined, name: current.name ?? undefined, photo: current.photo ?? undefined, externalId: current.external_id ?? undefined };
        for (const k of Object.keys(wanted) as Array<keyof Mapped>) if (wanted[k] !== now[k]) changed[k] = wanted[k];
        if (Object.keys(changed).length === 0) unchanged = current;
        userId = await write(poolId, linked, changed, conn);
      } else {
        userId = await write(poolId, null, wanted, conn);
      }
      const userinfo = { ...profile.raw, groups: profile.groups ?? [] };
      await deps.identities.save(poolId, conn, { userId, subject: profile.id, userinfo });

      const roleMap = (conn.fields.roleMap ?? {}) as Record<string, string>;
      const granted = rolesForGroups(roleMap, profile.groups ?? []);
      const removed = mappedRoles(roleMap).filter((r) => !granted.includes(r));
      if (granted.length || removed.length) {
        const { unknown } = await deps.roles.sync(poolId, userId, granted, removed);
        if (unknown.length) deps.log.warn({ connection: conn.id, roles: unknown }, 'directory roleMap names roles that do not exist in the pool (create them first)');
      }
      // Roles are not part of the row: an unchanged row is the one read above.
      return unchanged ?? deps.findUser(poolId, userId);
    },
  };
}
export type DirectoryProvisioning = ReturnType<typeof createDirectoryProvisioning>;
