import type { Kysely, Selectable } from 'kysely';
import type { Database, SamlSigningKeyTable } from '../db/schema.js';

export type SamlKeyRow = Selectable<SamlSigningKeyTable>;

/** The SAML signing keys of each pool (sealed private keys, public certificates; see services/saml-idp/keys.ts). */
export function createSamlKeysRepo(db: Kysely<Database>) {
  return {
    list: (poolId: string) => db.selectFrom('saml_signing_keys').selectAll().where('pool_id', '=', poolId).orderBy('created_at', 'desc').orderBy('kid', 'desc').execute(),
    insert: (row: SamlKeyRow) => db.insertInto('saml_signing_keys').values(row).execute(),
    setStatus: (poolId: string, kids: string[], status: 'active' | 'retired', at: string) =>
      kids.length
        ? db
            .updateTable('saml_signing_keys')
            .set(status === 'active' ? { status, activated_at: at } : { status, retired_at: at })
            .where('pool_id', '=', poolId)
            .where('kid', 'in', kids)
            .execute()
        : undefined,
    delete: (poolId: string, kids: string[]) => (kids.length ? db.deleteFrom('saml_signing_keys').where('pool_id', '=', poolId).where('kid', 'in', kids).execute() : undefined),
  };
}
export type SamlKeysRepo = ReturnType<typeof createSamlKeysRepo>;
