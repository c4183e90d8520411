import { hasOfficialAccount, type IdentityProfile, type SocialConnector } from '@gatehouse/connector-kit';
import { AppError, isAppError } from '../../errors/app-error.js';
import type { ConnectionWithSecrets } from '../../services/identity-sources/types.js';
import type { UserRow } from '../../storage/repositories/users.js';
import type { Logger } from '../../utils/logger.js';
import type { LoginMethod, MethodContext, MethodOutcome } from '../types.js';
import { socialErrorOf, socialMethodErrors } from './errors.js';
import { SocialInputSchema, type SocialInput } from './schema.js';

export interface SocialMethodDeps {
  /** The connection with its fields (secrets included), in the sign-in's pool. */
  connection(poolId: string, id: string): Promise<ConnectionWithSecrets | undefined>;
  isEnabledForApp(poolId: string, connId: string, appId: string): Promise<boolean>;
  connector(conn: ConnectionWithSecrets): SocialConnector;
  /** The account the profile signs in to: linked, auto-linked or created (services/identity-sources/accounts.ts). */
  resolve(conn: ConnectionWithSecrets, profile: IdentityProfile, ctx: { appId: string | null; request: { ip: string | null; userAgent: string | null; requestId: string | null } }): Promise<UserRow>;
  log: Logger;
}

/**
 * Social and enterprise identity providers as a way in (docs/identity-providers.md). The proof
 * is the provider's answer: `verify` runs the connector's callback (code exchange, ID-token or
 * assertion validation) or its mobile handler, and answers the federated account — linked,
 * automatically linked on a verified email both sides trust, or created just in time unless the
 * connection is `loginOnly`. Not guarded by the attempt counters: nothing here can be guessed
 * (the state is single-use and bound to the browser before the engine runs; the provider
 * authenticated the user). No `/api/v3/signin` connection: only the social round trip and
 * `signin-by-mobile` call it, after checking the connection is enabled for the application.
 * `amr`: `fed` (federated, not an RFC 8176 value; the provider's own `amr` is not relayed).
 */
export function createSocialMethod(deps: SocialMethodDeps) {
  const fail = (code: (typeof socialMethodErrors)[number]): MethodOutcome => ({ status: 'failed', error: code, countsAsFailure: false });
  return {
    id: 'social',
    factor: 'federated',
    amr: ['fed'],
    inputSchema: SocialInputSchema,
    errors: socialMethodErrors,
    guarded: false,
    describe: () => ({ id: 'social', factor: 'federated' as const, amr: ['fed'], label: { en: 'Sign in with another account', zh: '第三方账号登录' }, fields: [] }),
    check(input: SocialInput) {
      if ([input.callback, input.mobile, input.scan].filter(Boolean).length !== 1) throw new AppError('request.invalid_input', { details: [{ path: '/input', message: 'callback, mobile or scan' }] });
    },
    async identify() {
      return { user: null, keys: [] };
    },
    async verify(ctx: MethodContext, input: SocialInput): Promise<MethodOutcome> {
      const conn = await deps.connection(ctx.poolId, input.connectionId);
      if (!conn || conn.kind !== 'social') return fail('federation.connection_not_found');
      if (!ctx.appId || !(await deps.isEnabledForApp(ctx.poolId, conn.id, ctx.appId))) return fail('federation.connection_disabled');
      let profile: IdentityProfile;
      try {
        const connector = deps.connector(conn);
        if (input.callback) profile = await connector.handleCallback(input.callback);
        else if (input.scan?.profile) profile = input.scan.profile as unknown as IdentityProfile;
        else if (input.scan?.openId) {
          if (!hasOfficialAccount(connector)) return fail('china.qrcode_not_supported');
          profile = await connector.officialAccount.profileForOpenId(input.scan.openId);
        } else if (connector.handleMobile) profile = await connector.handleMobile(input.mobile ?? {});
        else return fail('federation.mobile_not_supported');
      } catch (err) {
        const mapped = socialErrorOf(err);
        if (!mapped) throw err;
        // The vendor's detail is for the log only (it never holds secrets: ConnectorError's contract).
        deps.log.warn({ connection: conn.id, type: conn.type, err: err instanceof Error ? err.message : String(err) }, 'identity provider refused the sign-in');
        if (mapped.reason) throw new AppError(mapped.code, { params: { reason: mapped.reason }, cause: err });
        return { status: 'failed', error: mapped.code, countsAsFailure: false };
      }
      try {
        const user = await deps.resolve(conn, profile, { appId: ctx.appId, request: { ip: ctx.ip, userAgent: ctx.userAgent, requestId: ctx.requestId } });
        return { status: 'authenticated', user, amr: ['fed'] };
      } catch (err) {
        if (isAppError(err) && (err.code === 'federation.login_only' || err.code === 'federation.link_required')) return fail(err.code);
        throw err;
      }
    },
  } satisfies LoginMethod<SocialInput>;
}
