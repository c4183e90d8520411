import { randomBytes } from 'node:crypto';
import type { IdentityProfile } from '@gatehouse/connector-kit';
import { AppError, isAppError } from '../../errors/app-error.js';
import type { UserRow, UsersRepo } from '../../storage/repositories/users.js';
import { samePhone } from '../passcodes/recipients.js';
import type { EventService } from '../events/service.js';
import type { IdentitiesService } from './identities.js';
import type { ConnectionWithSecrets } from './types.js';

/** What a federated registration hands to the engine's `register` (switches, allow-list, hooks, events). */
export interface FederatedRegistration {
  poolId: string;
  appId: string | null;
  email?: string;
  /** Set when no verified email is: an account needs one identifier (a generated one here, never the provider's login name). */
  username?: string;
  verifiedEmail: boolean;
  /** A phone number the provider verified (WeChat mini-program phone authorisation, the carrier through Yidun), stored as verified. */
  phone?: string;
  phoneCountryCode?: string;
  profile: Record<string, unknown>;
  request: { ip: string | null; userAgent: string | null; requestId: string | null };
}

/**
 * Which account a federated profile signs in to (docs/identity-providers.md "Accounts and
 * linking"):
 *
 * 1. the account the identity (connection + provider subject, or the source's unionid) is
 *    linked to;
 * 2. else, for a connector whose verified phone is the proof itself (manifest
 *    `signsInByVerifiedPhone`: Yidun's carrier one-click login), the account holding that
 *    number — never for any other provider's phone;
 * 3. else, automatic linking to the account with the same email — only when the provider
 *    asserts the email as verified, the connector trusts that assertion (manifest
 *    `trustsVerifiedEmail`: never Entra, SAML, WeChat …), the connection does not switch it off
 *    (`autoLinkByVerifiedEmail: false`) and the local email is verified too (pre-account
 *    takeover: an attacker's unverified address must not capture, or be captured by, an account);
 * 4. else, unless the connection is `loginOnly`, a new account (the engine's registration: pool
 *    and allow-list rules, hooks, events). A verified email is stored as verified; an unverified
 *    one is not stored at all, so it can neither block nor claim the address. A verified email
 *    that another account already holds (without the conditions of 3) is refused with
 *    `federation.link_required`: that person signs in to the account first and links there.
 *    A provider-verified phone another account holds is left off the new account.
 */
export function createFederatedAccounts(deps: {
  identities: IdentitiesService;
  users: Pick<UsersRepo, 'findById' | 'findBy'>;
  trustsVerifiedEmail: (type: string) => boolean;
  /** Whether the connector's verified phone is the sign-in proof (manifest `signsInByVerifiedPhone`: Yidun). */
  signsInByVerifiedPhone: (type: string) => boolean;
  register: (r: FederatedRegistration) => Promise<{ userId: string }>;
  events: Pick<EventService, 'emit'>;
}) {
  async function linked(conn: ConnectionWithSecrets, profile: IdentityProfile): Promise<UserRow | undefined> {
    const userId = await deps.identities.findUserId(conn, profile);
    return userId ? deps.users.findById(conn.poolId, userId) : undefined;
  }

  /**
   * The account holding the profile's phone (E.164 with `phoneCountryCode`): accounts keep the
   * national number and its country code (services/passcodes/recipients.ts), older rows may
   * hold the E.164 form.
   */
  async function phoneHolder(poolId: string, profile: IdentityProfile): Promise<UserRow | undefined> {
    if (!profile.phone) return undefined;
    const asIs = await deps.users.findBy(poolId, 'phone', profile.phone);
    if (asIs) return asIs;
    const cc = profile.phoneCountryCode;
    if (!cc || !profile.phone.startsWith(cc)) return undefined;
    const number = profile.phone.slice(cc.length);
    const row = await deps.users.findBy(poolId, 'phone', number);
    return row && samePhone(row, { number, countryCode: cc, e164: profile.phone }) ? row : undefined;
  }

  async function linkAndAnnounce(conn: ConnectionWithSecrets, user: UserRow, profile: IdentityProfile, request: FederatedRegistration['request']) {
    await deps.identities.record(conn, user.id, profile);
    await deps.events.emit('user:link-account', { poolId: conn.poolId, actor: user.id, subject: user.id, ip: request.ip, userAgent: request.userAgent, requestId: request.requestId, data: { userId: user.id, email: user.email, connection: conn.identifier, provider: conn.type } });
  }

  return {
    /**
     * Links the identity a signed-in user just proved at the provider (the hosted link
     * confirmation, flows/social/link.ts). Refuses `federation.identity_taken` when the external
     * account already belongs to someone else: it is never moved between accounts.
     */
    async link(conn: ConnectionWithSecrets, userId: string, profile: IdentityProfile, request: FederatedRegistration['request']): Promise<void> {
      const user = await deps.users.findById(conn.poolId, userId);
      if (!user) throw new AppError('user.not_found');
      const owner = await deps.identities.findUserId(conn, profile);
      if (owner && owner !== userId) throw new AppError('federation.identity_taken');
      await linkAndAnnounce(conn, user, profile, request);
    },

    /**
     * `unlink-extidp` (the user's own): removes the user's identities from one source, unless
     * that leaves no way to sign in — no password, no verified email or phone for a one-time
     * code, no identity from another source (`federation.last_identity`). Passkeys are not
     * counted: an account kept only by a passkey keeps its identity too (refusing is the safe side).
     */
    async unlinkOwn(poolId: string, userId: string, extIdpId: string, request: FederatedRegistration['request']): Promise<void> {
      const user = await deps.users.findById(poolId, userId);
      if (!user) throw new AppError('user.not_found');
      const all = await deps.identities.listOfUser(poolId, userId);
      const mine = all.filter((i) => i.extIdpId === extIdpId);
      if (!mine.length) throw new AppError('federation.identity_not_found');
      const otherWayIn = Boolean(user.password_hash) || (Boolean(user.email) && user.email_verified === 1) || (Boolean(user.phone) && user.phone_verified === 1) || all.some((i) => i.extIdpId !== extIdpId);
      if (!otherWayIn) throw new AppError('federation.last_identity');
      await deps.identities.unlinkAll(poolId, userId, extIdpId);
      await deps.events.emit('user:unlink-account', { poolId, actor: userId, subject: userId, ip: request.ip, userAgent: request.userAgent, requestId: request.requestId, data: { userId, email: user.email, connection: mine[0]!.originConnIds[0] ?? '', provider: mine[0]!.provider } });
    },

    async resolve(conn: ConnectionWithSecrets, profile: IdentityProfile, ctx: { appId: string | null; request: FederatedRegistration['request'] }): Promise<UserRow> {
      const known = await linked(conn, profile);
      if (known) {
        await deps.identities.record(conn, known.id, profile); // refreshes the kept profile
        return known;
      }
      // Carrier one-click login (Yidun): the verified number is the proof, as an SMS code would be.
      if (profile.phoneVerified === true && deps.signsInByVerifiedPhone(conn.type)) {
        const holder = await phoneHolder(conn.poolId, profile);
        if (holder) {
          await linkAndAnnounce(conn, holder, profile, ctx.request);
          return holder;
        }
      }
      const email = profile.email?.trim().toLowerCase() || undefined;
      const verified = Boolean(email && profile.emailVerified === true);
      const holder = verified && email ? await deps.users.findBy(conn.poolId, 'email', email) : undefined;
      if (holder) {
        const autoLink = deps.trustsVerifiedEmail(conn.type) && conn.fields.autoLinkByVerifiedEmail !== false && holder.email_verified === 1;
        if (!autoLink) throw new AppError('federation.link_required');
        await linkAndAnnounce(conn, holder, profile, ctx.request);
        return holder;
      }
      if (conn.loginOnly) throw new AppError('federation.login_only');
      // A provider-verified phone goes onto the new account unless another account holds it
      // (never a link by phone: that account's owner links it after signing in).
      const phone = profile.phone && profile.phoneVerified === true && !(await phoneHolder(conn.poolId, profile)) ? profile.phone : undefined;
      const created = await deps
        .register({
          poolId: conn.poolId,
          appId: ctx.appId,
          ...(verified && email ? { email } : { username: `${conn.identifier.slice(0, 40)}_${randomBytes(8).toString('hex')}` }),
          verifiedEmail: verified,
          ...(phone ? { phone, ...(profile.phoneCountryCode ? { phoneCountryCode: profile.phoneCountryCode } : {}) } : {}),
          profile: profileFields(profile),
          request: ctx.request,
        })
        .catch((err: unknown) => {
          // A verified email taken between the check and the insert: the same answer as above.
          if (isAppError(err) && err.code === 'user.already_exists') throw new AppError('federation.link_required', { cause: err });
          throw err;
        });
      const user = await deps.users.findById(conn.poolId, created.userId);
      if (!user) throw new AppError('user.not_found');
      try {
        await deps.identities.record(conn, user.id, profile);
      } catch (err) {
        // Two first sign-ins of one external account at once: the other one won; use its account.
        const winner = isAppError(err) && err.code === 'federation.identity_taken' ? await linked(conn, profile) : undefined;
        if (winner) return winner;
        throw err;
      }
      return user;
    },
  };
}
export type FederatedAccounts = ReturnType<typeof createFederatedAccounts>;

/** The profile mapping onto user fields (docs/identity-providers.md "Profile mapping"). */
function profileFields(p: IdentityProfile): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const put = (k: string, v: unknown, max = 255) => {
    if (typeof v === 'string' && v.trim()) out[k] = v.trim().slice(0, max);
  };
  put('name', p.name);
  put('nickname', p.nickname ?? p.username);
  put('givenName', p.givenName);
  put('familyName', p.familyName);
  put('photo', p.picture, 2048);
  put('locale', p.locale, 32);
  put('preferredUsername', p.username);
  return out;
}
