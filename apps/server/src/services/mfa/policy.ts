import { AppError } from '../../errors/app-error.js';
import type { MfaPolicyRow, MfaRepo } from '../../storage/repositories/mfa.js';
import { nowIso } from '../../utils/time.js';
import { isPolicyFactor, type MfaMode, type PolicyFactor } from './types.js';

export interface MfaPolicy {
  mode: MfaMode;
  factors: PolicyFactor[];
  /** Pool setting: whether the management API may read OTP secrets back (`getOtpSecretByUser`). */
  allowOtpExport: boolean;
  /** "Remember this device" lifetime in days; 0 = off. */
  rememberDeviceDays: number;
}

const OFF: MfaPolicy = { mode: 'off', factors: [], allowOtpExport: false, rememberDeviceDays: 0 };
const RANK: Record<MfaMode, number> = { off: 0, optional: 1, required: 2 };
const POOL = '';

const fromRow = (r: MfaPolicyRow | undefined): MfaPolicy =>
  r
    ? { mode: r.mode as MfaMode, factors: (JSON.parse(r.factors) as unknown[]).filter(isPolicyFactor), allowOtpExport: r.allow_otp_export === 1, rememberDeviceDays: r.remember_device_days }
    : { ...OFF };

export interface PolicyPatch {
  enabledFactors?: string[] | undefined;
  disabledFactors?: string[] | undefined;
  mode?: MfaMode | undefined;
  allowOtpExport?: boolean | undefined;
  rememberDeviceDays?: number | undefined;
}

/**
 * MFA policy per pool and per application (docs/mfa.md "Policy"). The effective policy of a
 * sign-in is the stronger of the two: the higher mode and the union of factors, so an app can
 * only add to what the pool demands.
 *
 * Vendor semantics: `updateApplicationMfaSettings({ enabledFactors })` turns the app to
 * *optional* with those factors (users who enrolled one are asked at every sign-in); removing
 * the last factor turns it off; *required* is the documented `mode` on top.
 */
export function createMfaPolicies(repo: Pick<MfaRepo, 'findPolicy' | 'upsertPolicy'>) {
  const get = async (poolId: string, appId: string | null): Promise<MfaPolicy> => fromRow(await repo.findPolicy(poolId, appId ?? POOL));

  async function update(poolId: string, appId: string | null, patch: PolicyPatch): Promise<MfaPolicy> {
    const check = (list: string[] | undefined) => {
      for (const f of list ?? []) {
        if (f === 'FACE') throw new AppError('mfa.factor_unsupported', { params: { factorType: f } });
        if (!isPolicyFactor(f)) throw new AppError('mfa.invalid_settings', { params: { reason: `unknown factor ${f}` } });
      }
      return (list ?? []) as PolicyFactor[];
    };
    const enable = check(patch.enabledFactors);
    const disable = check(patch.disabledFactors);
    if (patch.rememberDeviceDays !== undefined && (!Number.isInteger(patch.rememberDeviceDays) || patch.rememberDeviceDays < 0 || patch.rememberDeviceDays > 365)) {
      throw new AppError('mfa.invalid_settings', { params: { reason: 'rememberDeviceDays must be 0–365' } });
    }
    const cur = await get(poolId, appId);
    const factors = [...new Set([...cur.factors, ...enable])].filter((f) => !disable.includes(f));
    let mode: MfaMode = patch.mode ?? cur.mode;
    if (!patch.mode && enable.length && mode === 'off') mode = 'optional';
    if (!factors.length) mode = 'off';
    if (mode !== 'off' && !factors.length) throw new AppError('mfa.invalid_settings', { params: { reason: 'a mode other than off needs at least one factor' } });
    const next: MfaPolicy = { mode, factors, allowOtpExport: patch.allowOtpExport ?? cur.allowOtpExport, rememberDeviceDays: patch.rememberDeviceDays ?? cur.rememberDeviceDays };
    await repo.upsertPolicy({
      pool_id: poolId,
      app_id: appId ?? POOL,
      mode: next.mode,
      factors: JSON.stringify(next.factors),
      allow_otp_export: next.allowOtpExport ? 1 : 0,
      remember_device_days: next.rememberDeviceDays,
      updated_at: nowIso(),
    });
    return next;
  }

  return {
    /** The pool's own policy (`appId` null) or an application's. */
    get,
    update,
    /** What applies to a sign-in into `appId`: the stronger of the pool's and the app's. */
    async effective(poolId: string, appId: string | null): Promise<MfaPolicy> {
      const pool = await get(poolId, null);
      if (!appId) return pool;
      const app = await get(poolId, appId);
      return {
        mode: RANK[app.mode] > RANK[pool.mode] ? app.mode : pool.mode,
        factors: [...new Set([...pool.factors, ...app.factors])],
        allowOtpExport: pool.allowOtpExport,
        rememberDeviceDays: app.rememberDeviceDays || pool.rememberDeviceDays,
      };
    },
  };
}
export type MfaPolicies = ReturnType<typeof createMfaPolicies>;
