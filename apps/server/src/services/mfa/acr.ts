import { ACR_MFA } from './types.js';

/**
 * Whether an OIDC authorization request asks for multi-factor authentication (docs/mfa.md
 * "acr_values"): `acr_values` containing `mfa` (OIDC Core §3.1.2.1, a voluntary claim that
 * Gatehouse honours), or the claims parameter asking for `acr` `mfa` as an essential claim
 * (§5.5.1.1: `{ "id_token": { "acr": { "essential": true, "value(s)": … } } }`).
 */
export function mfaRequested(params: { acr_values?: unknown }, claims?: unknown): boolean {
  if (typeof params.acr_values === 'string' && params.acr_values.split(' ').includes(ACR_MFA)) return true;
  const acr = (claims as { id_token?: { acr?: { essential?: unknown; value?: unknown; values?: unknown } } } | undefined)?.id_token?.acr;
  if (!acr || acr.essential !== true) return false;
  return acr.value === ACR_MFA || (Array.isArray(acr.values) && acr.values.length === 1 && acr.values[0] === ACR_MFA);
}

/** The claims parameter of a request as oidc-provider keeps it (a JSON string in the interaction's params). */
export function parseClaimsParam(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return undefined;
  }
}
