import { ConnectorError, type DirectoryTestResult } from '@gatehouse/connector-kit';
import { AppError } from '../../errors/app-error.js';
import type { Logger } from '../../utils/logger.js';
import type { DirectoryConnectors } from './connectors.js';
import type { DirectoryProvisioning } from './provisioning.js';
import { refusalOf } from './reasons.js';
import type { DirectoryConnectionRecord, DirectoryOutcome, DirectorySources, DirectoryType } from './types.js';

export interface DirectoryServiceDeps {
  sources: DirectorySources;
  connectors: DirectoryConnectors;
  provisioning: DirectoryProvisioning;
  log: Logger;
}

/**
 * LDAP / Active Directory sign-in and "test connection" (docs/ldap.md). The connector does the
 * directory work (search with the service account, bind as the entry found, account state,
 * groups); this service picks the application's connection, turns the connector's answer into
 * the engine's terms, and provisions the user. Lockout, captcha and what the client is told are
 * the engine's (flows/engine/): a refusal here is a `failed` outcome with its specific reason.
 */
export function createDirectoryService(deps: DirectoryServiceDeps) {
  /** The application's one enabled connection of this type; `directory.not_configured` when none. */
  async function connectionFor(poolId: string, appId: string | null, type: DirectoryType): Promise<DirectoryConnectionRecord> {
    const label = type === 'ad' ? 'AD' : 'LDAP';
    if (!appId) throw new AppError('directory.not_configured', { params: { type: label } });
    const enabled = await deps.sources.enabledForApp(poolId, appId, type);
    // More than one is refused when enabling; should one slip through (a race), refusing beats guessing.
    if (enabled.length !== 1) {
      if (enabled.length > 1) deps.log.warn({ appId, type, connections: enabled.map((c) => c.id) }, 'several directory connections of one type are enabled for an application');
      throw new AppError('directory.not_configured', { params: { type: label } });
    }
    return enabled[0] as DirectoryConnectionRecord;
  }

  /**
   * `POST /api/v3/test-ext-idp-conn`: connect → TLS → bind as the service account → read the
   * base DN, and say which step failed. Fields that do not validate answer `step: 'connect'`
   * with the reason; the password is never part of the message.
   */
  async function test(type: DirectoryType, fields: Record<string, unknown>): Promise<DirectoryTestResult> {
    let connector;
    try {
      connector = deps.connectors.create(type, fields);
    } catch (err) {
      if (err instanceof ConnectorError) {
        const secret = typeof fields.bindPassword === 'string' && fields.bindPassword ? fields.bindPassword : null;
        const text = `invalid connection fields: ${err.vendorDetail ?? err.code}`;
        return { success: false, step: 'connect', message: secret ? text.split(secret).join('***') : text };
      }
      throw err;
    }
    try {
      return await connector.test();
    } finally {
      await connector.close();
    }
  }

  return {
    connectionFor,
    test,

    /** The connection a tab / sign-in of this type would use, or null (the hosted login hides the tab). */
    async enabledConnection(poolId: string, appId: string, type: DirectoryType): Promise<DirectoryConnectionRecord | null> {
      const enabled = await deps.sources.enabledForApp(poolId, appId, type);
      return enabled.length === 1 ? (enabled[0] as DirectoryConnectionRecord) : null;
    },

    /** `known`: the connection `connectionFor` answered moments ago in the same attempt (the login method's identify step). */
    async signIn(ctx: { poolId: string; appId: string | null }, type: DirectoryType, account: string, password: string, known?: DirectoryConnectionRecord): Promise<DirectoryOutcome> {
      const conn = known && known.poolId === ctx.poolId && known.type === type ? known : await connectionFor(ctx.poolId, ctx.appId, type);
      // RFC 4513 §5.1.2: a simple bind with a DN and an empty password is an "unauthenticated
      // bind" that many directories answer with success. Refused here, before any connection
      // (the connector refuses it too).
      if (password.length === 0) return { status: 'failed', error: 'directory.empty_password', clientError: 'user.wrong_password', countsAsFailure: false };
      let profile;
      try {
        profile = await deps.connectors.of(conn).authenticate(account, password);
      } catch (err) {
        if (err instanceof ConnectorError) {
          const refusal = refusalOf(err);
          // The connector logged the directory's own detail; this names the connection and the reason.
          deps.log.info({ connection: conn.id, type, reason: refusal.error }, 'directory sign-in refused');
          return refusal;
        }
        throw err;
      }
      const user = await deps.provisioning.provision(ctx.poolId, conn, profile);
      if (!user) return { status: 'failed', error: 'user.not_found', clientError: 'user.wrong_password', countsAsFailure: false };
      return { status: 'authenticated', user, connectionId: conn.id };
    },

    /** Test connection of a saved `ldap` / `ad` connection (`federation.connection_not_found` otherwise). */
    async testSaved(poolId: string, id: string): Promise<DirectoryTestResult> {
      const conn = await deps.sources.byId(poolId, id);
      if (!conn) throw new AppError('federation.connection_not_found');
      return test(conn.type, conn.fields);
    },

    close: () => deps.connectors.close(),
  };
}
export type DirectoryService = ReturnType<typeof createDirectoryService>;
