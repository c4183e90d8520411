import type { Kysely, Selectable } from 'kysely';
import type { Database, OidcSigningKeyTable } from '../db/schema.js';

export type SigningKeyRow = Selectable<OidcSigningKeyTable>;

/** The OIDC signing keys of each pool (sealed private JWKs; see oidc/signing-keys.ts). */
export function createSigningKeysRepo(db: Kysely<Database>) {
  return {
    list: (poolId: string) =>
      db.selectFrom('oidc_signing_keys').selectAll().where('pool_id', '=', poolId).orderBy('created_at', 'desc').orderBy('kid', 'desc').execute(),
    insert: (row: SigningKeyRow) => db.insertInto('oidc_signing_keys').values(row).execute(),
    retire: (poolId: string, kids: string[], at: string) =>
      kids.length ? db.updateTable('oidc_signing_keys').set({ status: 'retired', retired_at: at }).where('pool_id', '=', poolId).where('kid', 'in', kids).execute() : undefined,
    delete: (poolId: string, kids: string[]) =>
      kids.length ? db.deleteFrom('oidc_signing_keys').where('pool_id', '=', poolId).where('kid', 'in', kids).execute() : undefined,
  };
}
export type SigningKeysRepo = ReturnType<typeof createSigningKeysRepo>;
