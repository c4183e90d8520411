import type { IdentityProfile } from '@gatehouse/connector-kit';
import { AppError } from '../../errors/app-error.js';
import { isUniqueViolation } from '../../errors/to-app-error.js';
import type { ExtIdpsRepo, UserIdentityRow } from '../../storage/repositories/ext-idps.js';
import { sortableId } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';

/**
 * Users' external identities (security checklist item 28): keyed by (connection, provider
 * subject) — `scope` = connection id, `id_type` `generic` — or, for a subject that several
 * connections of one source share (WeChat unionid), by (source, `unionid`, subject). Never by
 * email. The raw profile is kept (never tokens or secrets).
 */
export interface IdentityDto {
  identityId: string;
  extIdpId: string;
  provider: string;
  type: string;
  userIdInIdp: string;
  userInfoInIdp: Record<string, unknown>;
  originConnIds: string[];
}

/** The connection an identity comes from, as the sign-in paths know it. */
export interface IdentityConnection {
  id: string;
  poolId: string;
  extIdpId: string;
  type: string;
}

export function toIdentityDto(r: UserIdentityRow): IdentityDto {
  return { identityId: r.id, extIdpId: r.ext_idp_id, provider: r.provider, type: r.id_type, userIdInIdp: r.subject, userInfoInIdp: JSON.parse(r.userinfo) as Record<string, unknown>, originConnIds: JSON.parse(r.origin_conn_ids) as string[] };
}

const providerOf = (idpType: string) => idpType;

export function createIdentitiesService(deps: {
  repo: ExtIdpsRepo;
  /** The source type (`CreateExtIdpDto.type`) of a source, for `provider`. */
  idpType: (poolId: string, extIdpId: string) => Promise<string | undefined>;
}) {
  const { repo } = deps;

  async function insert(row: UserIdentityRow): Promise<void> {
    try {
      await repo.insertIdentity(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('federation.identity_taken', { cause: err });
      throw err;
    }
  }

  return {
    async listOfUser(poolId: string, userId: string): Promise<IdentityDto[]> {
      return (await repo.identitiesOfUser(poolId, userId)).map(toIdentityDto);
    },

    /**
     * The user an external profile belongs to: the connection's own subject first, then the
     * source-wide unionid. Undefined when neither is linked.
     */
    async findUserId(conn: IdentityConnection, profile: Pick<IdentityProfile, 'id' | 'unionId'>): Promise<string | undefined> {
      const own = await repo.findIdentity(conn.poolId, conn.id, 'generic', profile.id);
      if (own) return own.user_id;
      if (profile.unionId) return (await repo.findIdentity(conn.poolId, conn.extIdpId, 'unionid', profile.unionId))?.user_id;
      return undefined;
    },

    /**
     * Records (or refreshes) the identities a sign-in through `conn` produced for `userId`:
     * the connection's subject and, when the provider gives one, the source-wide unionid.
     * Refuses `federation.identity_taken` when either already belongs to another user.
     */
    async record(conn: IdentityConnection, userId: string, profile: IdentityProfile): Promise<void> {
      const at = nowIso();
      const userinfo = JSON.stringify(profile.raw ?? {}).slice(0, 64 * 1024);
      const keys: Array<{ scope: string; idType: string; subject: string }> = [{ scope: conn.id, idType: 'generic', subject: profile.id }];
      if (profile.unionId) keys.push({ scope: conn.extIdpId, idType: 'unionid', subject: profile.unionId });
      for (const k of keys) {
        const cur = await repo.findIdentity(conn.poolId, k.scope, k.idType, k.subject);
        if (cur && cur.user_id !== userId) throw new AppError('federation.identity_taken');
        if (cur) {
          const origins = new Set(JSON.parse(cur.origin_conn_ids) as string[]);
          const known = origins.has(conn.id);
          origins.add(conn.id);
          // Nothing new (the usual repeat sign-in): no write. `updated_at` says when the identity's
          // data last changed; sign-ins themselves are in the login history.
          if (known && cur.userinfo === userinfo) continue;
          await repo.touchIdentity(cur.id, { userinfo, origin_conn_ids: JSON.stringify([...origins]), updated_at: at });
        } else {
          const provider = providerOf((await deps.idpType(conn.poolId, conn.extIdpId)) ?? conn.type);
          await insert({ id: sortableId(), pool_id: conn.poolId, user_id: userId, ext_idp_id: conn.extIdpId, conn_id: conn.id, scope: k.scope, id_type: k.idType, subject: k.subject, provider, userinfo, origin_conn_ids: JSON.stringify([conn.id]), created_at: at, updated_at: at });
        }
      }
    },

    /** Every user with an identity of this connection, and that identity's subject. */
    async subjectsOfConnection(poolId: string, connId: string): Promise<Array<{ userId: string; subject: string }>> {
      return (await repo.subjectsOfScope(poolId, connId)).map((r) => ({ userId: r.user_id, subject: r.subject }));
    },

    /**
     * `link-identity` (management): links `userIdInIdp` of a source to a user. `type` `unionid`
     * links the source-wide id; otherwise the subject of one connection of the source — the
     * only one, or the one whose identifier or id `connection` names.
     */
    async link(poolId: string, input: { userId: string; extIdpId: string; userIdInIdp: string; type?: string | undefined; connection?: string | undefined }, conns: Array<{ id: string; identifier: string; type: string }>): Promise<IdentityDto> {
      const idpType = await deps.idpType(poolId, input.extIdpId);
      if (!idpType) throw new AppError('federation.idp_not_found');
      const at = nowIso();
      let scope: string;
      let connId: string | null = null;
      let idType = 'generic';
      if (input.type === 'unionid') {
        scope = input.extIdpId;
        idType = 'unionid';
      } else {
        const named = input.connection ?? (input.type && input.type !== 'generic' ? input.type : undefined);
        const pick = named ? conns.filter((c) => c.identifier === named || c.id === named || c.type === named) : conns;
        if (pick.length === 0) throw new AppError('federation.connection_not_found');
        if (pick.length > 1) throw new AppError('federation.connection_ambiguous', { params: { field: 'type' } });
        scope = pick[0]!.id;
        connId = scope;
      }
      const cur = await repo.findIdentity(poolId, scope, idType, input.userIdInIdp);
      if (cur) {
        if (cur.user_id !== input.userId) throw new AppError('federation.identity_taken');
        return toIdentityDto(cur);
      }
      const row: UserIdentityRow = { id: sortableId(), pool_id: poolId, user_id: input.userId, ext_idp_id: input.extIdpId, conn_id: connId, scope, id_type: idType, subject: input.userIdInIdp, provider: providerOf(idpType), userinfo: '{}', origin_conn_ids: JSON.stringify(connId ? [connId] : []), created_at: at, updated_at: at };
      await insert(row);
      return toIdentityDto(row);
    },

    /** Removes every identity of `userId` from a source; the number removed. */
    unlinkAll: (poolId: string, userId: string, extIdpId: string): Promise<number> => repo.deleteIdentities(poolId, userId, extIdpId),

    /** `unlink-identity` (management): removes the user's identities from a source (of one `type` when given). */
    async unlink(poolId: string, input: { userId: string; extIdpId: string; type?: string | undefined }): Promise<number> {
      const n = await repo.deleteIdentities(poolId, input.userId, input.extIdpId, input.type === 'unionid' || input.type === 'generic' ? input.type : undefined);
      if (n === 0) throw new AppError('federation.identity_not_found');
      return n;
    },
  };
}
export type IdentitiesService = ReturnType<typeof createIdentitiesService>;
