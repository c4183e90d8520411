/**
 * The one mapping from provider claims to IdentityProfile (docs/identity-providers.md,
 * "Profile mapping"): OIDC standard claims (OIDC Core §5.1) map by name; `raw` keeps the
 * provider's profile without tokens or per-request values.
 */
import type { IdentityProfile } from '../types.js';

/** Claims that are per-request or token plumbing, not profile: dropped from `raw`. */
const NOT_PROFILE = new Set(['nonce', 'at_hash', 'c_hash', 'auth_time', 'sid', 'access_token', 'id_token', 'refresh_token', 'token_type', 'expires_in']);

export function rawProfile(source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source)) if (!NOT_PROFILE.has(k) && v !== undefined) out[k] = v;
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

/** Drops undefined members (keeps the profile JSON small and comparable). */
export function compactProfile(p: IdentityProfile): IdentityProfile {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) if (v !== undefined) out[k] = v;
  return out as unknown as IdentityProfile;
}

export interface ClaimsProfileOptions {
  id: string;
  /**
   * Whether `email_verified: true` is believed. Only the boolean `true` counts (a string "true" is
   * accepted only with `acceptStringBooleans`, for Apple, which documents it as a string).
   */
  trustEmailVerified: boolean;
  acceptStringBooleans?: boolean;
  raw?: Record<string, unknown>;
}

export function profileFromClaims(claims: Record<string, unknown>, o: ClaimsProfileOptions): IdentityProfile {
  const yes = (v: unknown) => v === true || (o.acceptStringBooleans === true && v === 'true');
  const email = str(claims['email']);
  const phone = str(claims['phone_number']);
  const name = str(claims['name']) ?? ([str(claims['given_name']), str(claims['family_name'])].filter(Boolean).join(' ') || undefined);
  return compactProfile({
    id: o.id,
    email,
    emailVerified: email ? o.trustEmailVerified && yes(claims['email_verified']) : undefined,
    phone,
    phoneVerified: phone ? yes(claims['phone_number_verified']) : undefined,
    name,
    nickname: str(claims['nickname']),
    username: str(claims['preferred_username']),
    picture: str(claims['picture']),
    givenName: str(claims['given_name']),
    familyName: str(claims['family_name']),
    locale: str(claims['locale']),
    raw: o.raw ?? rawProfile(claims),
  });
}
