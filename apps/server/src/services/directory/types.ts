import type { ErrorCode } from '@gatehouse/contracts';
import type { UserRow } from '../../storage/repositories/users.js';

/** Connection types served by the directory login methods (`CreateExtIdpConnDto.type`). */
export type DirectoryType = 'ldap' | 'ad';
export const DIRECTORY_TYPES: readonly DirectoryType[] = ['ldap', 'ad'];

/** A saved `ldap` / `ad` connection, its `fields` unsealed (they hold the service account's password). */
export interface DirectoryConnectionRecord {
  id: string;
  poolId: string;
  /** The identity source the connection belongs to. */
  extIdpId: string;
  type: DirectoryType;
  displayName: string;
  /** Changes whenever the connection is edited: a cached connector for an older version is replaced. */
  updatedAt: string;
  fields: Record<string, unknown>;
}

/** Where directory connections come from (the federation storage: ext-idp connections and their per-app enablement). */
export interface DirectorySources {
  /** The connections of this type enabled for the application (the management API allows at most one). */
  enabledForApp(poolId: string, appId: string, type: DirectoryType): Promise<DirectoryConnectionRecord[]>;
  byId(poolId: string, id: string): Promise<DirectoryConnectionRecord | null>;
}

/** The external identities of users (the federation storage), keyed by connection + the directory's stable id. */
export interface DirectoryIdentities {
  /** The Gatehouse user linked to this directory entry, if any. */
  userOf(poolId: string, conn: DirectoryConnectionRecord, subject: string): Promise<string | null>;
  /** Links a user to the entry (first sign-in) or refreshes what the identity holds (later ones). */
  save(poolId: string, conn: DirectoryConnectionRecord, e: { userId: string; subject: string; userinfo: Record<string, unknown> }): Promise<void>;
}

/** Role grants the directory manages: codes of the default namespace. */
export interface DirectoryRoles {
  /** Grants `granted` and removes `removed` (role codes; unknown codes are skipped and reported). */
  sync(poolId: string, userId: string, granted: readonly string[], removed: readonly string[]): Promise<{ unknown: string[] }>;
}

/** The result of a directory sign-in, in the login method's terms. */
export type DirectoryOutcome =
  | { status: 'authenticated'; user: UserRow; connectionId: string }
  /** `error`: the specific reason (history, audit, logs); `clientError`: what the client is told. */
  | { status: 'failed'; error: ErrorCode; clientError: ErrorCode; countsAsFailure: boolean };
