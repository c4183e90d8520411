import type { SignInProtocol } from '@gatehouse/contracts';

/**
 * The continuation endpoints: where the authorization request a SAML or CAS request turns into
 * comes back (docs/saml.md, "One session for every protocol"). They are the redirect URIs of the
 * application's own OIDC client while SAML or CAS is on for it (oidc/clients.ts adds them).
 */
const trim = (u: string) => u.replace(/\/+$/, '');

export const samlContinuation = (publicUrl: string, appId: string) => `${trim(publicUrl)}/api/v2/saml-idp/${encodeURIComponent(appId)}/continue`;
export const casContinuation = (publicUrl: string, appId: string) => `${trim(publicUrl)}/cas-idp/${encodeURIComponent(appId)}/continue`;

/** Redirect URIs SAML and CAS add to an application's client. */
export function ssoRedirectUris(publicUrl: string, app: { appId: string; samlProviderEnabled?: boolean; casProviderEnabled?: boolean }): string[] {
  return [...(app.samlProviderEnabled ? [samlContinuation(publicUrl, app.appId)] : []), ...(app.casProviderEnabled ? [casContinuation(publicUrl, app.appId)] : [])];
}

/**
 * The protocol a hosted-login interaction serves, from its redirect URI: `saml` or `cas` when it
 * returns to one of our continuation endpoints, else null (an OIDC relying party). The hosted
 * login passes it to the sign-in engine, so the one `login` event of a fresh sign-in names the
 * protocol the user came through.
 */
export function ssoProtocolOf(publicUrl: string, redirectUri: unknown): Extract<SignInProtocol, 'saml' | 'cas'> | null {
  if (typeof redirectUri !== 'string') return null;
  const base = trim(publicUrl);
  if (!redirectUri.startsWith(`${base}/`)) return null;
  const path = redirectUri.slice(base.length);
  if (/^\/api\/v2\/saml-idp\/[^/?#]+\/continue$/.test(path)) return 'saml';
  if (/^\/cas-idp\/[^/?#]+\/continue$/.test(path)) return 'cas';
  return null;
}
