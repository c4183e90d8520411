import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { ApplicationTable, Database } from '../db/schema.js';
import { likePattern, pageOf } from './list-queries.js';

export type ApplicationRow = Selectable<ApplicationTable>;
export type ApplicationPatch = Omit<Updateable<ApplicationTable>, 'id' | 'pool_id' | 'created_at' | 'is_default' | 'secret_enc' | 'secret_digest'>;

export interface ApplicationListQuery {
  page: number;
  limit: number;
  /** Case-insensitive substring of the name or the identifier. */
  keywords?: string;
}

/** All SQL for applications. Every read and write is scoped by pool: an app id alone never reaches a row of another pool. */
export function createApplicationsRepo(db: Kysely<Database>) {
  const listWhere = (poolId: string, keywords?: string) => {
    let q = db.selectFrom('applications').where('pool_id', '=', poolId);
    if (keywords) {
      const pattern = likePattern(keywords);
      q = q.where(sql<boolean>`(lower(name) like ${pattern} escape '\\' or lower(identifier) like ${pattern} escape '\\')`);
    }
    return q;
  };

  return {
    insert: (row: ApplicationRow) => db.insertInto('applications').values(row).execute(),

    findById: (poolId: string, id: string) =>
      db.selectFrom('applications').selectAll().where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst(),

    /** By client_id alone, for the OIDC layer, which learns the pool from the row. */
    findByIdAnyPool: (id: string) => db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst(),

    identifierTaken: async (poolId: string, identifier: string) =>
      (await db.selectFrom('applications').select('id').where('pool_id', '=', poolId).where('identifier', '=', identifier).executeTakeFirst()) !== undefined,

    async list(poolId: string, q: ApplicationListQuery): Promise<{ rows: ApplicationRow[]; totalCount: number }> {
      return pageOf(
        listWhere(poolId, q.keywords),
        // The default app first, then oldest first; id breaks ties so pages never overlap.
        (where) => where.selectAll().orderBy('is_default', 'desc').orderBy('created_at', 'asc').orderBy('id', 'asc'),
        q,
      );
    },

    update: async (poolId: string, id: string, patch: ApplicationPatch) =>
      Number((await db.updateTable('applications').set(patch).where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst()).numUpdatedRows) > 0,

    /** Never deletes the pool's default app, even if a caller skipped the service check. */
    delete: async (poolId: string, id: string) =>
      Number(
        (await db.deleteFrom('applications').where('pool_id', '=', poolId).where('id', '=', id).where('is_default', '=', 0).executeTakeFirst())
          .numDeletedRows,
      ) > 0,
  };
}
export type ApplicationsRepo = ReturnType<typeof createApplicationsRepo>;
