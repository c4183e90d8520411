/** The bad-ID-token cases every OIDC-based connector must refuse with connector.invalid_token. */
import type { IdTokenTamper } from '../fakes/oauth-core.js';

type Claims = Record<string, unknown>;
const now = () => Math.floor(Date.now() / 1000);

export function badIdTokens(opts: { nonce?: boolean } = {}): Array<[string, IdTokenTamper]> {
  const cases: Array<[string, IdTokenTamper]> = [
    ['a wrong issuer', (c: Claims) => ({ ...c, iss: 'https://issuer.evil.example' })],
    ['a wrong audience', (c: Claims) => ({ ...c, aud: 'someone-else' })],
    ['an expired token', (c: Claims) => ({ ...c, iat: now() - 7200, exp: now() - 3600 })],
    ['a forged signature', (c: Claims) => ({ claims: c, rogue: true })],
    ['no subject', (c: Claims) => ({ ...c, sub: undefined })],
  ];
  if (opts.nonce !== false) cases.push(['a wrong nonce', (c: Claims) => ({ ...c, nonce: 'not-the-flow-nonce' })]);
  return cases;
}
