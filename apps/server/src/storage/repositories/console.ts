import type { Kysely, Selectable } from 'kysely';
import type { ConsoleAdministratorTable, ConsoleSystemTable, Database } from '../db/schema.js';

export type AdministratorRow = Selectable<ConsoleAdministratorTable>;
export type ConsoleSystemRow = Selectable<ConsoleSystemTable>;

/** Administrators of the console and the one row naming its system pool and client (services/console/). */
export function createConsoleRepo(db: Kysely<Database>) {
  return {
    system: () => db.selectFrom('console_system').selectAll().where('id', '=', 'console').executeTakeFirst(),
    /** First writer wins: two processes creating the system at once keep the first row. */
    saveSystem: async (row: ConsoleSystemRow) => {
      await db.insertInto('console_system').values(row).onConflict((oc) => oc.column('id').doNothing()).execute();
    },
    deleteSystem: () => db.deleteFrom('console_system').where('id', '=', 'console').execute(),
    find: (userId: string) => db.selectFrom('console_administrators').selectAll().where('user_id', '=', userId).executeTakeFirst(),
    list: () => db.selectFrom('console_administrators').selectAll().orderBy('created_at').execute(),
    insert: (row: AdministratorRow) => db.insertInto('console_administrators').values(row).execute(),
    update: (userId: string, patch: Partial<Pick<AdministratorRow, 'role' | 'pool_ids' | 'updated_at'>>) => db.updateTable('console_administrators').set(patch).where('user_id', '=', userId).executeTakeFirst(),
    delete: (userId: string) => db.deleteFrom('console_administrators').where('user_id', '=', userId).executeTakeFirst(),
  };
}
export type ConsoleRepo = ReturnType<typeof createConsoleRepo>;

export interface AuditSearch {
  poolId: string;
  actor?: string;
  type?: string;
  /** ISO-8601 bounds, inclusive. */
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

/** The audit log as the console filters it (by actor, event, time), newest first, and counted per day. */
export function createConsoleAuditRepo(db: Kysely<Database>) {
  const filtered = (s: Omit<AuditSearch, 'limit' | 'offset'>) => {
    let q = db.selectFrom('audit_events').where('pool_id', '=', s.poolId);
    if (s.actor) q = q.where('actor', '=', s.actor);
    if (s.type) q = q.where('type', '=', s.type);
    if (s.from) q = q.where('at', '>=', s.from);
    if (s.to) q = q.where('at', '<=', s.to);
    return q;
  };
  return {
    search: (s: AuditSearch) => filtered(s).selectAll().orderBy('id', 'desc').limit(s.limit).offset(s.offset).execute(),
    count: async (s: Omit<AuditSearch, 'limit' | 'offset'>) => Number((await filtered(s).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0),
    /** Rows of some types since a time (at, type, result only): the dashboard groups them per day. */
    since: (poolId: string, types: string[], from: string) => db.selectFrom('audit_events').select(['at', 'type', 'result']).where('pool_id', '=', poolId).where('type', 'in', types).where('at', '>=', from).execute(),
  };
}
export type ConsoleAuditRepo = ReturnType<typeof createConsoleAuditRepo>;
