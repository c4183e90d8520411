/**
 * Microsoft Entra ID (v2.0 endpoints) fake (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow):
 * login.microsoftonline.com/{tenant}/oauth2/v2.0/{authorize,token} and
 * /{tenant}/discovery/v2.0/keys, for several tenants. It checks what Entra checks: the app's
 * client secret, exact redirect URI, PKCE, single-use codes redeemed at the same authority, and
 * who may sign in to the app (its sign-in audience: only its home tenant, any organisation, or
 * organisations and personal accounts; `organizations` refuses personal accounts, `consumers`
 * admits only them). ID tokens carry `iss = https://login.microsoftonline.com/{tid}/v2.0` for
 * the user's tenant, `aud` = the app's client id, `tid`, `oid`, and an `email` the user can set
 * to anything (the nOAuth trap). Errors are Entra's AADSTS bodies.
 */
import { createHash, randomUUID } from 'node:crypto';
import { json, type FakeResponse } from './http.js';
import { authorizeErrorPage, type FakeClient } from './oauth-core.js';
import { startOidcLikeFake, type TokenFailure } from './oidc-like.js';

export const MSA_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
export const ENTRA_ORIGINS = ['https://login.microsoftonline.com'];

export interface EntraUser {
  /** Fake-internal login name (also the preferred_username). */
  sub: string;
  oid: string;
  tid: string;
  name: string;
  /** The optional `email` claim: user-editable, unverified. */
  email?: string;
}

export interface EntraApp extends FakeClient {
  homeTenant: string;
  signInAudience: 'AzureADMyOrg' | 'AzureADMultipleOrgs' | 'AzureADandPersonalMicrosoftAccount';
}

function aadError(status: number, error: string, code: number, text: string): FakeResponse {
  return json(status, { error, error_description: `AADSTS${code}: ${text} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`, error_codes: [code], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() });
}

const TOKEN_ERRORS: Record<TokenFailure, () => FakeResponse> = {
  client_auth: () => aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.'),
  invalid: () => aadError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.'),
  used: () => aadError(400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.'),
  expired: () => aadError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity.'),
  client: () => aadError(400, 'invalid_grant', 70000, 'The request was denied because one or more scopes requested are unauthorized or expired.'),
  redirect_uri: () => aadError(400, 'invalid_grant', 50148, 'The redirect_uri does not match the one used in the authorization request.'),
  pkce: () => aadError(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.'),
};

export async function startEntraFake(opts: { apps: EntraApp[]; users: EntraUser[] }) {
  const segment = (path: string) => path.split('/')[1] ?? '';
  const fake = await startOidcLikeFake<EntraUser>({
    clients: opts.apps,
    users: opts.users,
    isAuthorize: (p) => /^\/[^/]+\/oauth2\/v2\.0\/authorize$/.test(p),
    isToken: (p) => /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(p),
    isJwks: (p) => /^\/[^/]+\/discovery\/v2\.0\/keys$/.test(p),
    denyParams: { error: 'access_denied', error_description: 'AADSTS65004: User declined to consent to access the app.' },
    onAuthorize(req, user) {
      const authority = segment(req.url.pathname);
      const app = opts.apps.find((a) => a.clientId === req.url.searchParams.get('client_id'))!;
      const isMsa = user.tid === MSA_TENANT;
      const authorityOk =
        authority === 'common' ? true : authority === 'organizations' ? !isMsa : authority === 'consumers' ? isMsa : authority.toLowerCase() === user.tid;
      const appOk = app.signInAudience === 'AzureADMyOrg' ? user.tid === app.homeTenant : app.signInAudience === 'AzureADMultipleOrgs' ? !isMsa : true;
      if (!authorityOk || !appOk) return authorizeErrorPage(`AADSTS50020: User account '${user.sub}' from identity provider does not exist in tenant and cannot access the application '${app.clientId}'.`);
      return { authority };
    },
    checkRedeem: (req, grant) => (grant.extra['authority'] === segment(req.url.pathname) ? undefined : 'client'),
    authenticateClient(req, client, creds) {
      return !!client && creds.clientSecret === client.clientSecret;
    },
    idTokenClaims(g, now) {
      const iat = Math.floor(now / 1000);
      const u = g.user;
      return {
        ver: '2.0',
        iss: `https://login.microsoftonline.com/${u.tid}/v2.0`,
        aud: g.clientId,
        tid: u.tid,
        oid: u.oid,
        // sub is pairwise per application (https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference)
        sub: createHash('sha256').update(`${u.oid}|${g.clientId}`).digest('base64url').slice(0, 43),
        name: u.name,
        preferred_username: u.sub,
        ...(u.email ? { email: u.email } : {}),
        ...(g.nonce ? { nonce: g.nonce } : {}),
        iat,
        nbf: iat,
        exp: iat + 3600,
      };
    },
    tokenError: (kind) => TOKEN_ERRORS[kind](),
  });
  return {
    ...fake,
    overrides: Object.fromEntries(ENTRA_ORIGINS.map((o) => [o, fake.origin])) as Record<string, string>,
  };
}
export type EntraFake = Awaited<ReturnType<typeof startEntraFake>>;
