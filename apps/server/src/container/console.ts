import type { Kysely } from 'kysely';
import type { Database } from '../storage/db/schema.js';
import type { UsersRepo } from '../storage/repositories/users.js';
import { createConsoleAuditRepo, createConsoleRepo } from '../storage/repositories/console.js';
import { createAdministratorsService, type AdministratorsDeps } from '../services/console/administrators.js';
import { createConsoleAuditService } from '../services/console/audit-log.js';

/**
 * The admin console (docs/console.md): administrators (users of the system pool with a console
 * role, whose access tokens the management API accepts next to the vendor signature) and the
 * audit-log reads behind its pages.
 */
export function createConsole(d: Omit<AdministratorsDeps, 'repo' | 'findUserByEmail'> & { db: Kysely<Database>; usersRepo: Pick<UsersRepo, 'findBy'>; flushAudit: () => Promise<void> }) {
  const administrators = createAdministratorsService({
    repo: createConsoleRepo(d.db),
    pools: d.pools,
    applications: d.applications,
    users: d.users,
    findUserByEmail: (poolId, email) => d.usersRepo.findBy(poolId, 'email', email),
    tokens: d.tokens,
    events: d.events,
    publicUrl: d.publicUrl,
  });
  const audit = createConsoleAuditService({ repo: createConsoleAuditRepo(d.db), flush: d.flushAudit });
  return { administrators, audit };
}
export type ConsoleGraph = ReturnType<typeof createConsole>;
