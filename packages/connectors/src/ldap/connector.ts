/**
 * Directory sign-in: search with the service account, then bind as the entry found, with the
 * user's password, on a connection of its own (never a DN assembled from what the user typed).
 *
 *   check input → search user (pooled service connection) → bind as that DN (a connection kept
 *   for user binds only, never searched on) → account state (ppolicy control / AD sub-code / userAccountControl) →
 *   search groups (service connection) → IdentityProfile
 *
 * What this does not protect against: timing. An unknown account answers after one search, a
 * known one after a search and a bind, so response time tells them apart; the server's uniform
 * answer, lockout and rate limits bound what an attacker learns. Lockout counting is the
 * server's: this class never remembers failures.
 */
import {
  validateConfig,
  type ConnectorDeps,
  type DirectoryConnector,
  type DirectoryConnectorManifest,
  type DirectoryTestResult,
  type IdentityProfile,
} from '@gatehouse/connector-kit';
import { PasswordPolicyControl, type Entry } from 'ldapts';
import { DEFAULTS, MAX_ACCOUNT_LENGTH, MAX_GROUPS, MAX_PASSWORD_LENGTH, type DirectoryType } from './defaults.js';
import { resolveConfig } from './config.js';
import { tlsContext, type ConnectionOptions, type DirectoryConnection } from './connection.js';
import type { Endpoint } from './endpoints.js';
import { DirectoryError, fromPasswordPolicy, isConnectionFailure, toDirectoryError } from './errors.js';
import { renderFilter } from './filter.js';
import { EndpointSelector, openWithFailover, Semaphore, ServicePool } from './pool.js';
import { attr, stableId, toProfile } from './profile.js';
import type { DirectoryConfig } from './schema.js';
import { runTest } from './test-connection.js';

/** userAccountControl ACCOUNTDISABLE ([MS-ADTS] §2.2.16). */
const UF_ACCOUNTDISABLE = 0x2;
/** ppolicy's "locked until an administrator unlocks it" (draft-behera-ldap-password-policy §5.3.3). */
const ADMIN_LOCKED = '000001010000Z';

export function createDirectoryConnector(type: DirectoryType, manifest: DirectoryConnectorManifest, rawConfig: unknown, deps: ConnectorDeps): DirectoryConnector {
  const config = validateConfig<DirectoryConfig>(manifest, rawConfig);
  const resolved = resolveConfig(manifest.id, config);
  const defaults = DEFAULTS[type];
  const connOpts: ConnectionOptions = {
    startTls: config.startTls,
    timeoutMs: config.timeoutMs,
    secureContext: tlsContext(resolved.ca),
    ...(deps.connect ? { connect: deps.connect } : {}),
  };
  const selector = new EndpointSelector(resolved.endpoints);
  const limiter = new Semaphore(config.poolSize);
  let closed = false;

  const serviceBind = async (conn: DirectoryConnection) => {
    // Without bindDn the directory is searched anonymously (some allow it); no bind is sent at all.
    if (config.bindDn && config.bindPassword) await conn.bind(config.bindDn, config.bindPassword, 'service-bind');
  };
  const pool = new ServicePool(() => openWithFailover(selector, connOpts, serviceBind), config.poolSize);
  /**
   * Connections that carried a user bind, kept for the next user bind (at most `poolSize`, closed
   * after IDLE_CLOSE_MS idle). A bind on an open connection replaces its authentication state
   * (RFC 4511 §4.2.1), so a kept connection carries nothing of the previous user into the next
   * bind; and nothing but binds ever runs on these connections (searches use `pool`, bound as the
   * service account), so no operation runs under a user's identity. It saves the TCP connect, the
   * TLS handshake and the unbind of every sign-in — most of a directory sign-in's CPU.
   */
  const binds = new ServicePool(() => Promise.reject(new Error('bind connections are opened by bindAsUser')), config.poolSize);

  const userAttributes = [
    ...defaults.idAttributes,
    ...Object.keys(config.attributeMap),
    ...(type === 'ad' ? ['userAccountControl'] : ['pwdAccountLockedTime']),
  ];

  const log = (err: DirectoryError, what: string) => {
    const level = err.code === 'connector.unavailable' || err.code === 'connector.invalid_config' || err.code === 'connector.tls_failed' ? 'warn' : 'info';
    deps.logger[level]({ connector: manifest.id, code: err.code, step: err.step, detail: err.vendorDetail }, what);
  };

  const refuse = (detail: string) => new DirectoryError('connector.invalid_credentials', 'search', detail);

  /** Input checks before the directory sees anything. */
  function checkInput(account: unknown, password: unknown): asserts account is string {
    if (typeof account !== 'string' || account.length === 0) throw refuse('empty account');
    if (account.length > MAX_ACCOUNT_LENGTH) throw refuse(`account longer than ${MAX_ACCOUNT_LENGTH} characters`);
    // NUL ends a C string in many directory back ends; controls and lone surrogates (not valid
    // UTF-8 once encoded) have no place in an account name.
    if (/[\u0000-\u001f\u007f]/.test(account) || /\p{Cs}/u.test(account)) throw refuse('control character or malformed text in account');
    // RFC 4513 §5.1.2 / §6.3.1: a simple bind with a DN and an empty password is an
    // "unauthenticated bind"; many servers answer it with success (as anonymous). Refuse here.
    if (typeof password !== 'string' || password.length === 0) throw refuse('empty password refused before any bind (RFC 4513 §5.1.2)');
    if (password.length > MAX_PASSWORD_LENGTH) throw refuse(`password longer than ${MAX_PASSWORD_LENGTH} characters`);
    if (password.includes('\0')) throw refuse('NUL in password');
  }

  async function findUser(account: string): Promise<{ entry: Entry; endpoint: Endpoint }> {
    const filter = renderFilter(config.userFilter, { account });
    return pool.use(async (conn) => {
      const entries = await conn.search(
        config.baseDn,
        { scope: 'sub', filter, attributes: userAttributes, explicitBufferAttributes: defaults.binaryAttributes, sizeLimit: 2 },
        'search',
      );
      if (entries.length === 0) throw refuse('no entry matches the account');
      // Two entries for one account (a shared mail attribute, a filter too broad): binding as either
      // would be a guess. Refuse and tell the administrator.
      if (entries.length > 1) throw refuse('the account matches more than one entry: narrow userFilter or fix the directory');
      return { entry: entries[0] as Entry, endpoint: conn.endpoint };
    });
  }

  async function bindAsUser(entry: Entry, password: string, endpoint: Endpoint): Promise<void> {
    const lockedTime = attr(entry, 'pwdAccountLockedTime');
    const adminLocked = (Array.isArray(lockedTime) ? lockedTime[0] : lockedTime) === ADMIN_LOCKED;
    const bind = async (c: DirectoryConnection) => {
      // OpenLDAP (and 389-ds) explain a refused or restricted bind in the password policy control;
      // AD explains in the diagnostic message instead and gets no control.
      const control = type === 'ldap' ? new PasswordPolicyControl() : undefined;
      try {
        await c.bind(entry.dn, password, 'user-bind', control ? [control] : undefined);
      } catch (err) {
        throw fromPasswordPolicy(control?.value?.error, adminLocked, c.endpoint.label) ?? err;
      }
      // A successful bind can still carry "change your password first" (ChangeAfterReset).
      const policy = fromPasswordPolicy(control?.value?.error, adminLocked, c.endpoint.label);
      if (policy) throw policy;
    };
    // On the server that found the entry (replicas may lag): a kept connection to it, else a new
    // one (with failover, as for the service account). Either way the connection is kept
    // afterwards if still usable, whatever the bind answered.
    const kept = binds.take(endpoint);
    if (kept) {
      try {
        await bind(kept);
        binds.give(kept);
        return;
      } catch (err) {
        if (!isConnectionFailure(err)) {
          binds.give(kept);
          throw err;
        }
        // Dropped while idle (AD closes idle connections after 15 minutes): bind once more on a new
        // connection. The bind did not reach a server that had already closed the connection; if
        // the connection broke after the server read it, the directory counts this attempt twice.
        await kept.close();
      }
    }
    const conn = await openWithFailover(selector, connOpts, bind, endpoint);
    binds.give(conn);
  }

  async function groupsOf(dn: string): Promise<string[]> {
    const filter = renderFilter(config.groupFilter, { dn });
    const entries = await pool.use((conn) =>
      conn.search(config.groupBaseDn ?? config.baseDn, { scope: 'sub', filter, attributes: ['1.1'], sizeLimit: MAX_GROUPS }, 'group-search'),
    );
    if (entries.length >= MAX_GROUPS) deps.logger.warn({ connector: manifest.id, groups: entries.length }, `only the first ${MAX_GROUPS} groups are read`);
    return entries.map((e) => e.dn);
  }

  return {
    manifest,
    async authenticate(account: string, password: string): Promise<IdentityProfile> {
      try {
        checkInput(account, password);
        if (closed) throw new DirectoryError('connector.unavailable', 'connect', 'connector closed');
        return await limiter.run(config.timeoutMs, async () => {
          const { entry, endpoint } = await findUser(account);
          const id = stableId(entry, defaults.idAttributes);
          if (!id) {
            throw new DirectoryError('connector.invalid_config', 'search', `the entry has no ${defaults.idAttributes.join(' or ')} (the service account must be able to read it)`);
          }
          await bindAsUser(entry, password, endpoint);
          if (type === 'ad') {
            // Honour ACCOUNTDISABLE even where the directory let the bind through (AD LDS, proxies).
            const uac = Number((attr(entry, 'userAccountControl') as string | undefined) ?? 0);
            if (uac & UF_ACCOUNTDISABLE) throw new DirectoryError('connector.account_disabled', 'search', 'userAccountControl has ACCOUNTDISABLE (0x2)');
          }
          const groups = await groupsOf(entry.dn);
          return toProfile(entry, id, config.attributeMap, groups);
        });
      } catch (err) {
        const mapped = toDirectoryError(err, 'search', 'directory');
        log(mapped, 'directory sign-in failed');
        throw mapped;
      }
    },
    async test(): Promise<DirectoryTestResult> {
      return runTest(config, resolved.endpoints, connOpts);
    },
    async close(): Promise<void> {
      closed = true;
      limiter.failWaiting(new DirectoryError('connector.unavailable', 'connect', 'connector closed'));
      await Promise.all([pool.close(), binds.close()]);
    },
  };
}
