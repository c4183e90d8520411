import type { Kysely, Selectable } from 'kysely';
import type { SqliteConnection } from '../db/connect.js';
import { compiledQuery, compiledWrite } from '../db/compiled-query.js';
import type { Database, MfaFactorTable, MfaPolicyTable, WebauthnCredentialTable } from '../db/schema.js';

export type MfaFactorRow = Selectable<MfaFactorTable>;
export type MfaPolicyRow = Selectable<MfaPolicyTable>;
export type WebauthnCredentialRow = Selectable<WebauthnCredentialTable>;

/**
 * SQL of the MFA area (migration 0035): factors, recovery codes, policies, WebAuthn credentials.
 * Scoped by pool. `direct`: the SQLite connection under `db`, for the statements every
 * second-factor sign-in runs (storage/db/compiled-query.ts).
 */
export function createMfaRepo(db: Kysely<Database>, direct?: SqliteConnection) {
  const factorsOf = compiledQuery<MfaFactorRow>(db, direct, 2, (k, poolId: string, userId: string) =>
    k.selectFrom('mfa_factors').selectAll().where('pool_id', '=', poolId).where('user_id', '=', userId).orderBy('created_at'),
  );
  const factorOfType = compiledQuery<MfaFactorRow>(db, direct, 3, (k, poolId: string, userId: string, type: string) =>
    k.selectFrom('mfa_factors').selectAll().where('pool_id', '=', poolId).where('user_id', '=', userId).where('factor_type', '=', type),
  );
  const acceptStep = compiledWrite(db, direct, 3, (k, poolId: string, factorId: string, step: number) =>
    k
      .updateTable('mfa_factors')
      .set({ last_step: step })
      .where('pool_id', '=', poolId)
      .where('id', '=', factorId)
      .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)])),
  );
  const recoveryCodesLeft = compiledQuery<{ n: number }>(db, direct, 2, (k, poolId: string, userId: string) =>
    k.selectFrom('mfa_recovery_codes').select((eb) => eb.fn.countAll<number>().as('n')).where('pool_id', '=', poolId).where('user_id', '=', userId).where('used_at', 'is', null),
  );
  return {
    // --- factors
    listFactors: (poolId: string, userId: string) => factorsOf(poolId, userId),
    findFactor: (poolId: string, userId: string, factorId: string) =>
      db.selectFrom('mfa_factors').selectAll().where('pool_id', '=', poolId).where('user_id', '=', userId).where('id', '=', factorId).executeTakeFirst(),
    findFactorByType: async (poolId: string, userId: string, type: string): Promise<MfaFactorRow | undefined> => (await factorOfType(poolId, userId, type))[0],
    /** false when the user already has a factor of this type (unique index). */
    insertFactor: async (row: MfaFactorRow): Promise<boolean> => {
      const res = await db.insertInto('mfa_factors').values(row).onConflict((oc) => oc.columns(['pool_id', 'user_id', 'factor_type']).doNothing()).executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    /** Replaces the factor of a type (admin import). */
    replaceFactor: (row: MfaFactorRow) =>
      db.transaction().execute(async (tx) => {
        await tx.deleteFrom('mfa_factors').where('pool_id', '=', row.pool_id).where('user_id', '=', row.user_id).where('factor_type', '=', row.factor_type).execute();
        await tx.insertInto('mfa_factors').values(row).execute();
      }),
    deleteFactor: async (poolId: string, userId: string, factorId: string): Promise<boolean> => {
      const res = await db.deleteFrom('mfa_factors').where('pool_id', '=', poolId).where('user_id', '=', userId).where('id', '=', factorId).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    /** Every factor, passkey and recovery code of a user, in one transaction (an administrator's reset). */
    deleteAllFactors: (poolId: string, userId: string) =>
      db.transaction().execute(async (tx) => {
        const rows = await tx.deleteFrom('mfa_factors').where('pool_id', '=', poolId).where('user_id', '=', userId).returning('factor_type').execute();
        const creds = await tx.deleteFrom('webauthn_credentials').where('pool_id', '=', poolId).where('user_id', '=', userId).returning('credential_id').execute();
        await tx.deleteFrom('mfa_recovery_codes').where('pool_id', '=', poolId).where('user_id', '=', userId).execute();
        return [...rows.map((r) => r.factor_type), ...(creds.length ? ['WEBAUTHN'] : [])];
      }),
    /**
     * Accepts a TOTP time step once: sets `last_step` only when it moves forward. Two parallel
     * requests with the same code cannot both succeed (one UPDATE matches, the other does not).
     */
    acceptStep: async (poolId: string, factorId: string, step: number): Promise<boolean> => (await acceptStep(poolId, factorId, step)) > 0,

    // --- recovery codes
    replaceRecoveryCodes: (poolId: string, userId: string, digests: string[], at: string) =>
      db.transaction().execute(async (tx) => {
        await tx.deleteFrom('mfa_recovery_codes').where('pool_id', '=', poolId).where('user_id', '=', userId).execute();
        if (digests.length) await tx.insertInto('mfa_recovery_codes').values(digests.map((d) => ({ pool_id: poolId, user_id: userId, code_digest: d, used_at: null, created_at: at }))).execute();
      }),
    countRecoveryCodes: async (poolId: string, userId: string): Promise<number> => Number((await recoveryCodesLeft(poolId, userId))[0]?.n ?? 0),
    /** Spends a recovery code: true only for the one call that marked it used. */
    useRecoveryCode: async (poolId: string, userId: string, digest: string, at: string): Promise<boolean> => {
      const res = await db
        .updateTable('mfa_recovery_codes')
        .set({ used_at: at })
        .where('pool_id', '=', poolId)
        .where('user_id', '=', userId)
        .where('code_digest', '=', digest)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },

    // --- policies
    findPolicy: (poolId: string, appId: string) => db.selectFrom('mfa_policies').selectAll().where('pool_id', '=', poolId).where('app_id', '=', appId).executeTakeFirst(),
    upsertPolicy: (row: MfaPolicyRow) =>
      db
        .insertInto('mfa_policies')
        .values(row)
        .onConflict((oc) => oc.columns(['pool_id', 'app_id']).doUpdateSet({ mode: row.mode, factors: row.factors, allow_otp_export: row.allow_otp_export, remember_device_days: row.remember_device_days, updated_at: row.updated_at }))
        .execute(),

    // --- per-user settings (0036): trigger data and the "remember this device" revocation instant
    findUserSettings: (poolId: string, userId: string) => db.selectFrom('mfa_user_settings').selectAll().where('pool_id', '=', poolId).where('user_id', '=', userId).executeTakeFirst(),
    /** Whether any user of the pool has trigger data (setUsersMfaStatus): a sign-in reads its user's only then. */
    poolHasTriggerData: async (poolId: string) =>
      (await db.selectFrom('mfa_user_settings').select('user_id').where('pool_id', '=', poolId).where('trigger_data', 'is not', null).limit(1).executeTakeFirst()) !== undefined,
    setTriggerData: (poolId: string, userId: string, triggerData: string, at: string) =>
      db
        .insertInto('mfa_user_settings')
        .values({ pool_id: poolId, user_id: userId, trigger_data: triggerData, devices_revoked_at: null, updated_at: at })
        .onConflict((oc) => oc.columns(['pool_id', 'user_id']).doUpdateSet({ trigger_data: triggerData, updated_at: at }))
        .execute(),
    revokeDevices: (poolId: string, userId: string, at: string) =>
      db
        .insertInto('mfa_user_settings')
        .values({ pool_id: poolId, user_id: userId, trigger_data: null, devices_revoked_at: at, updated_at: at })
        .onConflict((oc) => oc.columns(['pool_id', 'user_id']).doUpdateSet({ devices_revoked_at: at, updated_at: at }))
        .execute(),

    // --- WebAuthn credentials
    listCredentials: (poolId: string, userId: string) => db.selectFrom('webauthn_credentials').selectAll().where('pool_id', '=', poolId).where('user_id', '=', userId).orderBy('created_at').execute(),
    findCredential: (poolId: string, credentialId: string) => db.selectFrom('webauthn_credentials').selectAll().where('pool_id', '=', poolId).where('credential_id', '=', credentialId).executeTakeFirst(),
    insertCredential: (row: WebauthnCredentialRow) => db.insertInto('webauthn_credentials').values(row).execute(),
    /**
     * Records a use: the new signature counter must exceed the stored one unless both are zero
     * (authenticators without counters), WebAuthn L2 §6.1.1; false when another use raced ahead.
     */
    touchCredential: async (poolId: string, credentialId: string, oldCounter: number, newCounter: number, at: string): Promise<boolean> => {
      const res = await db
        .updateTable('webauthn_credentials')
        .set({ counter: newCounter, last_used_at: at })
        .where('pool_id', '=', poolId)
        .where('credential_id', '=', credentialId)
        .where('counter', '=', oldCounter)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },
    renameCredential: async (poolId: string, userId: string, credentialId: string, name: string): Promise<boolean> => {
      const res = await db.updateTable('webauthn_credentials').set({ name }).where('pool_id', '=', poolId).where('user_id', '=', userId).where('credential_id', '=', credentialId).executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },
    deleteCredential: async (poolId: string, userId: string, credentialId: string): Promise<boolean> => {
      const res = await db.deleteFrom('webauthn_credentials').where('pool_id', '=', poolId).where('user_id', '=', userId).where('credential_id', '=', credentialId).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}
export type MfaRepo = ReturnType<typeof createMfaRepo>;
