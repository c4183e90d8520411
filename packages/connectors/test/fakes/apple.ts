/**
 * Sign in with Apple fake (https://developer.apple.com/documentation/sign_in_with_apple/sign_in_with_apple_rest_api):
 * appleid.apple.com/auth/{authorize,token,keys}. It checks what Apple checks: the client secret
 * is an ES256 JWT (`kid` of a key registered for the team, `iss` = team id, `sub` = client id,
 * `aud` = https://appleid.apple.com, not expired, at most six months long) verified with the
 * registered public key; `response_mode=form_post` when name or email is requested; exact
 * redirect URI; single-use codes valid five minutes. The callback is an auto-submitted form with
 * `code`, `state` and — on a user's first authorization for the app only — the `user` JSON.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { json } from './http.js';
import { authorizeErrorPage, type FakeClient } from './oauth-core.js';
import { startOidcLikeFake, type TokenFailure } from './oidc-like.js';

export const APPLE_ORIGINS = ['https://appleid.apple.com'];

export interface AppleUser {
  sub: string;
  email: string;
  isPrivateEmail?: boolean;
  firstName?: string;
  lastName?: string;
}

export interface AppleFakeOptions {
  teamId: string;
  /** Keys registered for the team ("Sign in with Apple" keys): key id → public key (PEM or KeyObject). */
  keys: Record<string, string | KeyObject>;
  /** Services IDs (web) with their return URLs, and App IDs (bundle ids, native) with no return URL. */
  clients: FakeClient[];
  users: AppleUser[];
}

export async function startAppleFake(opts: AppleFakeOptions) {
  const authorizedBefore = new Set<string>();
  const publicKeys = new Map(Object.entries(opts.keys).map(([kid, k]) => [kid, typeof k === 'string' ? createPublicKey(k) : k]));
  const clientSecrets: Array<{ ok: boolean; reason?: string }> = [];
  const err = (error: string, description?: string) => json(400, { error, ...(description ? { error_description: description } : {}) });
  const TOKEN_ERRORS: Record<TokenFailure, () => ReturnType<typeof json>> = {
    client_auth: () => err('invalid_client'),
    invalid: () => err('invalid_grant', 'The code has expired or has been revoked.'),
    used: () => err('invalid_grant', 'The code has expired or has been revoked.'),
    expired: () => err('invalid_grant', 'The code has expired or has been revoked.'),
    client: () => err('invalid_grant', 'client_id mismatch. The code was not issued to the client.'),
    redirect_uri: () => err('invalid_grant', 'The redirect_uri does not match.'),
    pkce: () => err('invalid_grant'),
  };

  async function checkClientSecret(jwt: string | null, clientId: string | null): Promise<string | undefined> {
    if (!jwt || !clientId) return 'missing';
    try {
      const { kid, alg } = decodeProtectedHeader(jwt);
      if (alg !== 'ES256') return 'alg';
      const key = kid ? publicKeys.get(kid) : undefined;
      if (!key) return 'kid';
      const now = fake.server.now();
      const { payload } = await jwtVerify(jwt, key, { algorithms: ['ES256'], issuer: opts.teamId, subject: clientId, audience: 'https://appleid.apple.com', currentDate: new Date(now) });
      if (typeof payload.iat !== 'number' || typeof payload.exp !== 'number' || payload.exp - payload.iat > 15_777_000) return 'lifetime';
      return undefined;
    } catch (e) {
      return (e as { code?: string }).code ?? 'invalid';
    }
  }

  const fake = await startOidcLikeFake<AppleUser>({
    clients: opts.clients,
    users: opts.users,
    isAuthorize: (p) => p === '/auth/authorize',
    isToken: (p) => p === '/auth/token',
    isJwks: (p) => p === '/auth/keys',
    requireOpenidScope: false,
    codeTtlMs: 5 * 60_000,
    responseMode: (req) => (req.url.searchParams.get('response_mode') === 'form_post' ? 'form_post' : 'query'),
    onAuthorize(req) {
      const scopes = (req.url.searchParams.get('scope') ?? '').split(/\s+/);
      if ((scopes.includes('name') || scopes.includes('email')) && req.url.searchParams.get('response_mode') !== 'form_post') {
        return authorizeErrorPage('invalid_request: response_mode must be form_post when name or email scope is requested.');
      }
      return {};
    },
    extraCallbackParams(req, user, client): Record<string, string> {
      // The user object is sent only the first time a user authorizes the app.
      const key = `${client.clientId}|${user.sub}`;
      if (authorizedBefore.has(key)) return {};
      authorizedBefore.add(key);
      const scopes = (req.url.searchParams.get('scope') ?? '').split(/\s+/);
      const u: Record<string, unknown> = {};
      if (scopes.includes('name')) u['name'] = { firstName: user.firstName, lastName: user.lastName };
      if (scopes.includes('email')) u['email'] = user.email;
      return Object.keys(u).length ? { user: JSON.stringify(u) } : {};
    },
    denyParams: { error: 'user_cancelled_authorize' },
    async authenticateClient(req, client, creds) {
      const reason = await checkClientSecret(req.param('client_secret'), creds.clientId);
      clientSecrets.push({ ok: !reason && !!client, ...(reason ? { reason } : {}) });
      return !!client && !reason;
    },
    idTokenClaims(g, now) {
      const iat = Math.floor(now / 1000);
      const u = g.user;
      const email = g.scope.split(/\s+/).includes('email');
      return {
        iss: 'https://appleid.apple.com',
        aud: g.clientId,
        exp: iat + 600,
        iat,
        sub: u.sub,
        at_hash: 'bXkgYXQgaGFzaA',
        ...(email ? { email: u.email, email_verified: 'true', is_private_email: u.isPrivateEmail ? 'true' : 'false' } : {}),
        auth_time: iat,
        nonce_supported: true,
        ...(g.nonce ? { nonce: g.nonce } : {}),
      };
    },
    tokenError: (kind) => TOKEN_ERRORS[kind](),
  });
  return {
    ...fake,
    /** Outcome of each client-secret check (why it failed, for assertions). */
    clientSecrets,
    overrides: Object.fromEntries(APPLE_ORIGINS.map((o) => [o, fake.origin])) as Record<string, string>,
  };
}
export type AppleFake = Awaited<ReturnType<typeof startAppleFake>>;
