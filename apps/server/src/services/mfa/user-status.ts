import { AppError } from '../../errors/app-error.js';
import type { MfaRepo } from '../../storage/repositories/mfa.js';
import type { UserRow } from '../../storage/repositories/users.js';
import { nowIso } from '../../utils/time.js';
import type { MfaFactors } from './factors.js';
import type { MfaPolicies, MfaPolicy } from './policy.js';
import { isPolicyFactor, POLICY_FACTORS, type MfaMode, type PolicyFactor } from './types.js';

/** One entry of the vendor's `applicationMfa` (ApplicationMfaDto): status 1 = on, 0 = off. */
export interface ApplicationMfaEntry {
  mfaPolicy: string;
  status: number;
  sort: number;
}

/** What `setUsersMfaStatus` stores for a user (mfa_user_settings.trigger_data). */
interface StoredTrigger {
  applicationMfa: ApplicationMfaEntry[];
  mode?: MfaMode;
}

/** The vendor's `GetMfaInfoDataDto`, plus Gatehouse's `mode` (as set, or the effective one of getMfaTriggerData). */
export interface MfaTriggerData {
  mfaToken: string;
  mfaPhone?: string;
  mfaPhoneCountryCode?: string;
  mfaEmail?: string;
  nickname?: string;
  username?: string;
  phone?: string;
  phoneCountryCode?: string;
  faceMfaEnabled: boolean;
  totpMfaEnabled: boolean;
  applicationMfa: ApplicationMfaEntry[];
  mode?: MfaMode;
}

/** The body of `setUsersMfaStatus`: `mfaTriggerData` as the vendor sends it (every field optional but applicationMfa). */
export interface TriggerInput {
  applicationMfa: ApplicationMfaEntry[];
  mode?: MfaMode | undefined;
  mfaToken?: string | undefined;
  mfaPhone?: string | undefined;
  mfaPhoneCountryCode?: string | undefined;
  mfaEmail?: string | undefined;
  faceMfaEnabled?: boolean | undefined;
  totpMfaEnabled?: boolean | undefined;
  nickname?: string | undefined;
  username?: string | undefined;
  phone?: string | undefined;
  phoneCountryCode?: string | undefined;
}

const RANK: Record<MfaMode, number> = { off: 0, optional: 1, required: 2 };
const invalid = (reason: string) => new AppError('mfa.invalid_settings', { params: { reason } });

/**
 * A user's MFA trigger data (the vendor's `setUsersMfaStatus` / `getUserMfaStatus` /
 * `getMfaTriggerData`, docs/mfa.md "Per-user trigger data"). An administrator can demand
 * factors of one user (`applicationMfa` entries with status 1; `mode` optional or required on
 * top) — on top of the pool's and the app's policy, never instead of it: status 0 and mode off
 * only take back what the user's own data demanded (mode off keeps the entries but demands
 * nothing).
 *
 * The factor fields of the DTO (`mfaPhone`, `mfaEmail`, `totpMfaEnabled`) report the user's own
 * enrolment: enrolment proves possession, so an administrator cannot set them; sending back what
 * `getUserMfaStatus` read is accepted, a different value is refused. `mfaToken` is always empty:
 * an mfaToken exists only inside a sign-in.
 */
export function createMfaUserStatus(deps: {
  repo: Pick<MfaRepo, 'findUserSettings' | 'setTriggerData'>;
  policies: Pick<MfaPolicies, 'effective'>;
  factors: Pick<MfaFactors, 'listEnrolled'>;
  /** Whether any user of the pool has trigger data (cached per node, config-cache.ts); without it every sign-in reads the user's row. */
  poolHasTriggerData?: (poolId: string) => Promise<boolean>;
}) {
  async function stored(poolId: string, userId: string): Promise<StoredTrigger> {
    if (deps.poolHasTriggerData && !(await deps.poolHasTriggerData(poolId))) return { applicationMfa: [] };
    const row = await deps.repo.findUserSettings(poolId, userId);
    return row?.trigger_data ? (JSON.parse(row.trigger_data) as StoredTrigger) : { applicationMfa: [] };
  }

  /** The factors and mode the user's own data demands (status 1 entries). */
  const demanded = (t: StoredTrigger): { factors: PolicyFactor[]; mode: MfaMode } => {
    const factors = t.applicationMfa.filter((e) => e.status === 1 && isPolicyFactor(e.mfaPolicy)).map((e) => e.mfaPolicy as PolicyFactor);
    return { factors, mode: factors.length && t.mode !== 'off' ? (t.mode ?? 'optional') : 'off' };
  };

  async function profileFields(poolId: string, user: UserRow) {
    const enrolled = await deps.factors.listEnrolled(poolId, user.id);
    const sms = enrolled.find((f) => f.factorType === 'SMS')?.profile as { phoneNumber?: string; phoneCountryCode?: string } | undefined;
    const email = enrolled.find((f) => f.factorType === 'EMAIL')?.profile as { email?: string } | undefined;
    return {
      ...(sms?.phoneNumber ? { mfaPhone: sms.phoneNumber } : {}),
      ...(sms?.phoneCountryCode ? { mfaPhoneCountryCode: sms.phoneCountryCode } : {}),
      ...(email?.email ? { mfaEmail: email.email } : {}),
      totpMfaEnabled: enrolled.some((f) => f.factorType === 'OTP'),
    };
  }

  async function view(poolId: string, user: UserRow, applicationMfa: ApplicationMfaEntry[], mode: MfaMode | undefined): Promise<MfaTriggerData> {
    return {
      mfaToken: '',
      ...(await profileFields(poolId, user)),
      ...(user.nickname ? { nickname: user.nickname } : {}),
      ...(user.username ? { username: user.username } : {}),
      ...(user.phone ? { phone: user.phone } : {}),
      ...(user.phone_country_code ? { phoneCountryCode: user.phone_country_code } : {}),
      faceMfaEnabled: false,
      applicationMfa,
      ...(mode ? { mode } : {}),
    };
  }

  return {
    /** The policy of a sign-in of this user into `appId`: pool, app and the user's own trigger data, the strongest of each. */
    async effective(poolId: string, appId: string | null, userId: string): Promise<MfaPolicy> {
      const p = await deps.policies.effective(poolId, appId);
      const u = demanded(await stored(poolId, userId));
      if (u.mode === 'off') return p;
      return { ...p, mode: RANK[u.mode] > RANK[p.mode] ? u.mode : p.mode, factors: [...new Set([...p.factors, ...u.factors])] };
    },

    /** `getUserMfaStatus`: the user's own trigger data as set. */
    async get(poolId: string, user: UserRow): Promise<MfaTriggerData> {
      // `mode` only when it was set: the vendor's round trip (read, change a status, send back) keeps the default.
      const t = await stored(poolId, user.id);
      return view(poolId, user, t.applicationMfa, t.mode);
    },

    /** `getMfaTriggerData`: what a sign-in of this user into the app demands (every policy factor, status 1 when it is asked for). */
    async forApp(poolId: string, appId: string, user: UserRow): Promise<MfaTriggerData> {
      const p = await this.effective(poolId, appId, user.id);
      const on = p.mode === 'off' ? [] : p.factors;
      return view(poolId, user, POLICY_FACTORS.map((f, i) => ({ mfaPolicy: f, status: on.includes(f) ? 1 : 0, sort: i })), p.mode);
    },

    /** `setUsersMfaStatus`: validates everything first; a refused body writes nothing. */
    async set(poolId: string, user: UserRow, input: TriggerInput): Promise<MfaTriggerData> {
      const entries: ApplicationMfaEntry[] = [];
      for (const e of input.applicationMfa) {
        if (e.mfaPolicy === 'FACE') throw new AppError('mfa.factor_unsupported', { params: { factorType: 'FACE' } });
        if (!isPolicyFactor(e.mfaPolicy)) throw invalid(`unknown factor ${e.mfaPolicy.slice(0, 32)}`);
        if (entries.some((x) => x.mfaPolicy === e.mfaPolicy)) throw invalid(`${e.mfaPolicy} is listed twice`);
        entries.push({ mfaPolicy: e.mfaPolicy, status: e.status, sort: e.sort });
      }
      if (input.faceMfaEnabled === true) throw new AppError('mfa.factor_unsupported', { params: { factorType: 'FACE' } });
      const own = await profileFields(poolId, user);
      if (input.totpMfaEnabled !== undefined && input.totpMfaEnabled !== own.totpMfaEnabled) throw invalid('totpMfaEnabled follows the user\'s own OTP enrolment');
      if (input.mfaPhone && input.mfaPhone !== own.mfaPhone) throw invalid('mfaPhone is set by the user\'s own SMS enrolment');
      if (input.mfaEmail && input.mfaEmail !== own.mfaEmail) throw invalid('mfaEmail is set by the user\'s own email enrolment');
      const on = entries.filter((e) => e.status === 1);
      if (input.mode === 'required' && !on.length) throw invalid('mode required needs at least one factor with status 1');
      entries.sort((a, b) => a.sort - b.sort);
      const t: StoredTrigger = { applicationMfa: entries, ...(input.mode ? { mode: input.mode } : {}) };
      await deps.repo.setTriggerData(poolId, user.id, JSON.stringify(t), nowIso());
      return view(poolId, user, t.applicationMfa, t.mode);
    },
  };
}
export type MfaUserStatus = ReturnType<typeof createMfaUserStatus>;
