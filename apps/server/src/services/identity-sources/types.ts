/** What the identity-sources service hands out (views without secrets, and the one with them). */

export interface IdpView {
  id: string;
  poolId: string;
  name: string;
  type: string;
  tenantId: string | null;
  createdAt: string;
}

/** A connection as the API and other areas see it: secret fields masked. */
export interface ConnectionView {
  id: string;
  poolId: string;
  extIdpId: string;
  type: string;
  identifier: string;
  displayName: string;
  logo: string | null;
  loginOnly: boolean;
  fields: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/**
 * A connection with its fields as stored, secrets included: for building the connector only
 * (`getConnectionWithSecrets`). Never returned to a client, never logged.
 */
export interface ConnectionWithSecrets extends ConnectionView {
  /** The connector kind of the connection type (`social` or `directory`). */
  kind: 'social' | 'directory';
}

export interface CreateIdpInput {
  name: string;
  type: string;
  tenantId?: string | undefined;
}

export interface CreateConnectionInput {
  extIdpId: string;
  type: string;
  identifier: string;
  displayName: string;
  fields: unknown;
  loginOnly?: boolean | undefined;
  logo?: string | undefined;
}

export interface UpdateConnectionInput {
  id: string;
  displayName: string;
  fields: unknown;
  loginOnly?: boolean | undefined;
  logo?: string | undefined;
}
