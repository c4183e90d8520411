/**
 * What every OAuth 2.0 / OIDC provider fake shares: registered clients, who "logs in" at the
 * authorize page, single-use expiring authorization codes bound to the client, the redirect URI
 * used at authorize (RFC 6749 §4.1.3) and the PKCE challenge (RFC 7636 §4.6), a clock the tests
 * can move, and RSA keys that sign ID tokens (plus a rogue key under the same `kid` for forged
 * signatures).
 */
import { createHash, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';

export interface FakeClient {
  clientId: string;
  clientSecret?: string;
  /** Callback URLs registered at the provider; authorize refuses others without redirecting. */
  redirectUris: string[];
}

export interface CodeGrant<U> {
  clientId: string;
  redirectUri: string | undefined;
  scope: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  nonce?: string;
  user: U;
  /** Provider-specific values carried from authorize to token (Entra's tenant, Slack's team). */
  extra: Record<string, string>;
}

type Issued<U> = CodeGrant<U> & { expiresAt: number; used: boolean };

export type RedeemFailure = 'invalid' | 'used' | 'expired' | 'client' | 'redirect_uri' | 'pkce';

export interface AuthorizeOutcome {
  /** Who logs in on the next authorize; `deny` answers error=access_denied. */
  next?: string | 'deny';
}

export class FakeAuthorizationServer<U> {
  private offsetMs = 0;
  private readonly codes = new Map<string, Issued<U>>();
  /** Codes handed out, newest last (tests read them to replay). */
  readonly issuedCodes: string[] = [];
  /** One-shot choice of the user for the next authorize (else the login_hint or the first user). */
  nextLogin: string | 'deny' | undefined;

  constructor(
    readonly clients: FakeClient[],
    private readonly codeTtlMs = 10 * 60_000,
  ) {}

  now(): number {
    return Date.now() + this.offsetMs;
  }
  /** Moves the fake's clock (codes expire, tokens are issued "later"). */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  client(clientId: string | null): FakeClient | undefined {
    return this.clients.find((c) => c.clientId === clientId);
  }

  /** Exact-string redirect URI check against the registered list. */
  redirectAllowed(client: FakeClient, redirectUri: string | null): boolean {
    return redirectUri !== null && client.redirectUris.includes(redirectUri);
  }

  /** Takes the one-shot login choice. */
  takeLogin(): string | 'deny' | undefined {
    const v = this.nextLogin;
    this.nextLogin = undefined;
    return v;
  }

  issueCode(grant: CodeGrant<U>): string {
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { ...grant, expiresAt: this.now() + this.codeTtlMs, used: false });
    this.issuedCodes.push(code);
    return code;
  }

  /** Every issued code now expires. */
  expireCodes(): void {
    for (const c of this.codes.values()) c.expiresAt = this.now() - 1;
  }

  redeem(r: { code: string | null; clientId: string | null; redirectUri: string | null; codeVerifier: string | null }): { ok: true; grant: CodeGrant<U> } | { ok: false; reason: RedeemFailure } {
    const entry = r.code ? this.codes.get(r.code) : undefined;
    if (!entry) return { ok: false, reason: 'invalid' };
    if (entry.used) return { ok: false, reason: 'used' };
    entry.used = true; // single use: any further attempt fails, even after an error below
    if (entry.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    if (entry.clientId !== r.clientId) return { ok: false, reason: 'client' };
    if (entry.redirectUri !== undefined && entry.redirectUri !== r.redirectUri) return { ok: false, reason: 'redirect_uri' };
    if (entry.codeChallenge !== undefined) {
      if (!r.codeVerifier || entry.codeChallengeMethod !== 'S256') return { ok: false, reason: 'pkce' };
      if (createHash('sha256').update(r.codeVerifier).digest('base64url') !== entry.codeChallenge) return { ok: false, reason: 'pkce' };
    }
    return { ok: true, grant: entry };
  }
}

/** Client credentials from HTTP Basic (RFC 6749 §2.3.1, form-urlencoded parts) or the form body. */
export function clientCredentials(headers: Record<string, string | string[] | undefined>, form: (n: string) => string | null): { clientId: string | null; clientSecret: string | null; method: 'basic' | 'post' | 'none' } {
  const auth = String(headers['authorization'] ?? '');
  if (auth.startsWith('Basic ')) {
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { clientId: dec(decoded.slice(0, i)), clientSecret: dec(decoded.slice(i + 1)), method: 'basic' };
  }
  const secret = form('client_secret');
  return { clientId: form('client_id'), clientSecret: secret, method: secret === null ? 'none' : 'post' };
}

export interface SigningKeys {
  kid: string;
  alg: 'RS256';
  publicJwk: JWK;
  jwks(): { keys: JWK[] };
  /** Signs claims; `rogue` uses a different private key under the same kid (a forged signature). */
  sign(claims: Record<string, unknown>, opts?: { rogue?: boolean; kid?: string }): Promise<string>;
}

export async function createSigningKeys(kid = randomBytes(6).toString('hex')): Promise<SigningKeys> {
  const real = await generateKeyPair('RS256', { extractable: true });
  const rogue = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(real.publicKey)), kid, alg: 'RS256', use: 'sig' };
  return {
    kid,
    alg: 'RS256',
    publicJwk,
    jwks: () => ({ keys: [publicJwk] }),
    sign: (claims, opts = {}) => signJwt(claims, opts.rogue ? rogue.privateKey : real.privateKey, opts.kid ?? kid),
  };
}

export function signJwt(claims: Record<string, unknown>, key: KeyLike, kid: string, alg = 'RS256'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(key);
}

/** One-shot ID-token tampering for the bad-token tests. */
export type IdTokenTamper = (claims: Record<string, unknown>) => Record<string, unknown> | { claims: Record<string, unknown>; rogue: true };

export async function signWithTamper(keys: SigningKeys, claims: Record<string, unknown>, tamper: IdTokenTamper | undefined): Promise<string> {
  if (!tamper) return keys.sign(claims);
  const out = tamper({ ...claims });
  if ('rogue' in out && out.rogue === true && 'claims' in out) return keys.sign(out.claims as Record<string, unknown>, { rogue: true });
  return keys.sign(out as Record<string, unknown>);
}

/** The usual authorize-page failure: no redirect to an unregistered URI, just an error page. */
export function authorizeErrorPage(message: string) {
  return { status: 400, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<html><body><h1>Error</h1><p>${message}</p></body></html>` };
}

export function withQuery(base: string, params: Record<string, string | undefined>): string {
  const u = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}
