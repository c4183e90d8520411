import type { UserRow } from '../storage/repositories/users.js';

/**
 * Scopes and the claims they release, as the reference SignInOptionsDto.scope lists them
 * (seeds/003): openid profile username email phone address offline_access roles external_id
 * extended_fields tenant_id. The same table drives the ID token, userinfo (/oidc/me) and the
 * token service, so every path returns the same claims for the same scopes.
 */
export const SCOPE_CLAIMS: Record<string, string[]> = {
  openid: ['sub'],
  profile: [
    'name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username',
    'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at',
  ],
  username: ['username'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
  roles: ['roles'],
  external_id: ['external_id'],
  extended_fields: ['extended_fields'],
  tenant_id: ['tenant_id'],
  // Gatehouse scopes for the organisation (docs/organizations.md "Claims"): filled only when asked for.
  groups: ['groups', 'groups_truncated'],
  departments: ['departments', 'departments_truncated'],
  permissions: ['permissions', 'permissions_truncated'],
};

/** Scopes whose claims are computed per request (memberships, grants), never for tokens that do not ask. */
export const ORGANIZATION_SCOPES = ['groups', 'departments', 'permissions'] as const;

/** Every scope the provider advertises (offline_access releases no claims; it asks for a refresh token). */
export const SUPPORTED_SCOPES = ['openid', 'profile', 'username', 'email', 'phone', 'address', 'offline_access', 'roles', 'external_id', 'extended_fields', 'tenant_id', ...ORGANIZATION_SCOPES];

/**
 * The organisation claims a token asks for: the `groups`, `departments` and `permissions` scopes
 * among `scope` (space-separated), computed by the organisation services.
 */
export type OrganizationClaims = (poolId: string, userId: string, scopes: string[]) => Promise<Record<string, unknown>>;

/** The organisation scopes present in a space-separated scope string. */
export const organizationScopesOf = (scope: string | undefined): string[] => {
  const asked = new Set((scope ?? '').split(' '));
  return ORGANIZATION_SCOPES.filter((s) => asked.has(s));
};

const parseJson = (text: string | null): Record<string, unknown> => {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

const GENDER: Record<string, string> = { M: 'male', F: 'female' };

/** All claims a user can release; oidc-provider filters them by the granted scopes/claims. */
export function userClaims(user: UserRow, roles: string[], organization: Record<string, unknown> = {}): Record<string, unknown> {
  const address = {
    formatted: user.formatted ?? user.address ?? undefined,
    street_address: user.street_address ?? undefined,
    locality: user.city ?? undefined,
    region: user.province ?? user.region ?? undefined,
    postal_code: user.postal_code ?? undefined,
    country: user.country ?? undefined,
  };
  const hasAddress = Object.values(address).some((v) => v !== undefined);
  const claims: Record<string, unknown> = {
    sub: user.id,
    name: user.name ?? undefined,
    family_name: user.family_name ?? undefined,
    given_name: user.given_name ?? undefined,
    middle_name: user.middle_name ?? undefined,
    nickname: user.nickname ?? undefined,
    preferred_username: user.preferred_username ?? undefined,
    profile: user.profile ?? undefined,
    picture: user.photo ?? undefined,
    website: user.website ?? undefined,
    gender: GENDER[user.gender] ?? undefined,
    birthdate: user.birthdate ?? undefined,
    zoneinfo: user.zoneinfo ?? undefined,
    locale: user.locale ?? undefined,
    updated_at: Math.floor(Date.parse(user.updated_at) / 1000) || undefined,
    username: user.username ?? undefined,
    email: user.email ?? undefined,
    email_verified: user.email ? user.email_verified === 1 : undefined,
    phone_number: user.phone ?? undefined,
    phone_number_verified: user.phone ? user.phone_verified === 1 : undefined,
    address: hasAddress ? address : undefined,
    roles,
    external_id: user.external_id ?? undefined,
    extended_fields: parseJson(user.custom_data),
    // Gatehouse has no tenants inside a pool yet: the claim is released as null when asked for.
    tenant_id: null,
    ...organization,
  };
  for (const k of Object.keys(claims)) if (claims[k] === undefined) delete claims[k];
  return claims;
}

/** The claims of `scope` (space-separated) from a full claim set; used by the token service for its own ID token. */
export function claimsForScope(all: Record<string, unknown>, scope: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of scope.split(' ')) for (const c of SCOPE_CLAIMS[s] ?? []) if (c in all) out[c] = all[c];
  return out;
}
