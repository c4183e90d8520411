import { AppError } from '../../errors/app-error.js';
import type { DirectoryConnectionRecord, DirectoryOutcome, DirectoryType } from '../../services/directory/types.js';
import { counterKey } from '../counter-keys.js';
import type { Identified, LoginMethod, MethodContext, MethodOutcome } from '../types.js';
import { directoryMethodErrors } from './errors.js';
import { accountOf, DirectoryInputSchema, type DirectoryInput } from './schema.js';

export interface DirectoryMethodDeps {
  /** Throws `directory.not_configured` when the application has no enabled connection of this type. */
  connectionFor(poolId: string, appId: string | null, type: DirectoryType): Promise<DirectoryConnectionRecord>;
  enabledConnection(poolId: string, appId: string, type: DirectoryType): Promise<{ displayName: string } | null>;
  /** `conn`: the connection `connectionFor` answered for this attempt (not looked up again). */
  signIn(ctx: { poolId: string; appId: string | null }, type: DirectoryType, account: string, password: string, conn?: DirectoryConnectionRecord): Promise<DirectoryOutcome>;
}

/** What `identify` found, for `verify` of the same attempt: the application's connection. */
interface DirectoryIdentified extends Identified {
  connection?: DirectoryConnectionRecord;
}

const NAMES: Record<DirectoryType, { connection: string; payloadField: string; label: { en: string; zh: string } }> = {
  ldap: { connection: 'LDAP', payloadField: 'ldapPayload', label: { en: 'LDAP', zh: 'LDAP 登录' } },
  ad: { connection: 'AD', payloadField: 'adPayload', label: { en: 'Active Directory', zh: 'AD 域登录' } },
};

/**
 * Directory login methods (docs/ldap.md): `signInByLDAP` / `signInByAD` (`connection` `LDAP` /
 * `AD`) and the hosted login's directory tab, against the application's one enabled `ldap` /
 * `ad` connection. The directory proves the password; this method never stores it.
 *
 * `identify` knows no account yet (only the directory can say which entry the input names), so
 * the counter key is the normalised account as typed — the same for existing and unknown
 * accounts, shared with the password method's key for that identifier (one lockout per
 * identifier whatever the way in). A locked key is refused by the engine before the directory is
 * asked, so a locked account never reaches the directory.
 */
function createDirectoryMethod(type: DirectoryType, deps: DirectoryMethodDeps) {
  const names = NAMES[type];
  return {
    id: type,
    connection: { name: names.connection, payloadField: names.payloadField },
    factor: 'knowledge',
    amr: ['pwd'],
    inputSchema: DirectoryInputSchema,
    errors: directoryMethodErrors,
    guarded: true,
    describe: () => ({
      id: type,
      factor: 'knowledge' as const,
      amr: ['pwd'],
      label: names.label,
      fields: [
        { name: 'account', type: 'text' as const, label: type === 'ad' ? { en: 'Domain account (user or user@domain)', zh: '域账号（用户名或 用户名@域）' } : { en: 'Directory account', zh: '目录账号' }, autocomplete: 'username' },
        { name: 'password', type: 'password' as const, label: { en: 'Password', zh: '密码' }, autocomplete: 'current-password' },
      ],
    }),
    /** The tab is shown only to applications with a connection of this type, named after it. */
    async availableFor(ctx: { poolId: string; appId: string }) {
      const conn = await deps.enabledConnection(ctx.poolId, ctx.appId, type);
      return conn ? { label: { en: conn.displayName, zh: conn.displayName } } : null;
    },
    check(p: DirectoryInput) {
      if (!accountOf(p)) throw new AppError('auth.payload_required');
    },
    async identify(ctx: MethodContext, p: DirectoryInput): Promise<DirectoryIdentified> {
      const connection = await deps.connectionFor(ctx.poolId, ctx.appId, type);
      return { user: null, keys: [counterKey(accountOf(p))], connection };
    },
    async verify(ctx: MethodContext, p: DirectoryInput, identified: DirectoryIdentified): Promise<MethodOutcome> {
      const r = await deps.signIn(ctx, type, accountOf(p), p.password, identified.connection);
      if (r.status === 'authenticated') return { status: 'authenticated', user: r.user, amr: ['pwd'] };
      return r;
    },
  } satisfies LoginMethod<DirectoryInput>;
}

export function createDirectoryMethods(deps: DirectoryMethodDeps) {
  return [createDirectoryMethod('ldap', deps), createDirectoryMethod('ad', deps)];
}
