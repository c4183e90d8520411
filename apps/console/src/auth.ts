/**
 * The console signs its administrator in through Gatehouse's own hosted login: an OIDC
 * authorization code flow with PKCE (RFC 7636, S256) as a public client of the system pool
 * (OAuth 2.0 for Browser-Based Apps, "browser-based OAuth client"). The access token stays in
 * sessionStorage (this tab only, gone when it closes); it is sent to the management API as
 * `Authorization: Bearer` and never put in a URL.
 */
export interface ConsoleConfig {
  issuer: string;
  clientId: string;
  redirectUri: string;
  logoutUri: string;
  poolId: string;
}

export interface Session {
  accessToken: string;
  idToken?: string;
  expiresAt: number;
}

const SESSION_KEY = 'gatehouse.console.session';
const PENDING_KEY = 'gatehouse.console.pending';

const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = (n = 32) => b64url(crypto.getRandomValues(new Uint8Array(n)));

export async function loadConfig(): Promise<ConsoleConfig> {
  const res = await fetch('/console/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`console configuration: HTTP ${res.status}`);
  return (await res.json()) as ConsoleConfig;
}

export function currentSession(): Session | null {
  const raw = sessionStorage.getItem(SESSION_KEY);
  if (!raw) return null;
  const s = JSON.parse(raw) as Session;
  // A minute of margin: a token about to expire would fail mid-form.
  return s.expiresAt > Date.now() + 60_000 ? s : null;
}

export function clearSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

/** Sends the browser to the hosted login; it comes back to /console/callback. */
export async function startSignIn(config: ConsoleConfig, returnTo: string): Promise<never> {
  const verifier = random(48);
  const state = random(24);
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL(`${config.issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    response_type: 'code',
    scope: 'openid profile email',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  }).toString();
  location.assign(url.toString());
  return new Promise<never>(() => undefined);
}

/** The callback: checks `state`, redeems the code with the verifier, stores the session. Returns where to go. */
export async function finishSignIn(config: ConsoleConfig): Promise<string> {
  const params = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as { verifier: string; state: string; returnTo: string } | null;
  sessionStorage.removeItem(PENDING_KEY);
  if (params.get('error')) throw new Error(params.get('error_description') ?? params.get('error') ?? 'sign-in failed');
  const code = params.get('code');
  // RFC 6749 §10.12: a callback whose state we did not issue is someone else's (CSRF).
  if (!pending || !code || params.get('state') !== pending.state) throw new Error('This sign-in was not started here; start again.');
  const res = await fetch(`${config.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: config.redirectUri, client_id: config.clientId, code_verifier: pending.verifier }).toString(),
  });
  const body = (await res.json()) as { access_token?: string; id_token?: string; expires_in?: number; error_description?: string; error?: string };
  if (!res.ok || !body.access_token) throw new Error(body.error_description ?? body.error ?? `token endpoint: HTTP ${res.status}`);
  const session: Session = { accessToken: body.access_token, idToken: body.id_token, expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000 };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return pending.returnTo.startsWith('/console') ? pending.returnTo : '/console/';
}

/** Ends the console session and the SSO session at the provider (RP-initiated logout). */
export function signOut(config: ConsoleConfig): void {
  const s = currentSession();
  clearSession();
  const url = new URL(`${config.issuer}/session/end`);
  url.search = new URLSearchParams({ client_id: config.clientId, post_logout_redirect_uri: config.logoutUri, ...(s?.idToken ? { id_token_hint: s.idToken } : {}) }).toString();
  location.assign(url.toString());
}
