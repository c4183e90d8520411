/** The kit's OAuth 2.0 / OIDC helpers on their own: callback reading, client authentication encoding, scopes, token errors. */
import { describe, expect, it } from 'vitest';
import { basicAuth, ConnectorError, pkceChallengeS256, readAuthorizationCode, readTokenResponse, sameString, scopeList } from '../src/index.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as ConnectorError).code;
  }
  return 'no error';
};

describe('oauth helpers', () => {
  it('reads the code, maps provider errors and checks RFC 9207 iss', () => {
    expect(readAuthorizationCode('x', { code: 'abc', state: 's' })).toBe('abc');
    expect(codeOf(() => readAuthorizationCode('x', { error: 'access_denied' }))).toBe('connector.access_denied');
    expect(codeOf(() => readAuthorizationCode('x', { error: 'temporarily_unavailable' }))).toBe('connector.unavailable');
    expect(codeOf(() => readAuthorizationCode('x', { error: 'something_new' }))).toBe('connector.rejected');
    expect(codeOf(() => readAuthorizationCode('x', { error: 'user_cancelled_authorize' }, { errors: { user_cancelled_authorize: 'connector.access_denied' } }))).toBe('connector.access_denied');
    expect(codeOf(() => readAuthorizationCode('x', {}))).toBe('connector.invalid_response');
    expect(codeOf(() => readAuthorizationCode('x', { code: 'c', iss: 'https://evil' }, { expectedIssuer: 'https://op' }))).toBe('connector.invalid_response');
    expect(readAuthorizationCode('x', { code: 'c' }, { expectedIssuer: 'https://op' })).toBe('c');
    expect(codeOf(() => readAuthorizationCode('x', { code: 'c' }, { expectedIssuer: 'https://op', requireIss: true }))).toBe('connector.invalid_response');
    expect(readAuthorizationCode('x', { authCode: 'd' }, { codeParam: 'authCode' })).toBe('d');
  });

  it('form-encodes client credentials before Basic encoding (RFC 6749 §2.3.1)', () => {
    const header = basicAuth('client:id', 'se cret+/%');
    const decoded = Buffer.from(header['authorization']!.slice(6), 'base64').toString();
    expect(decoded).toBe('client%3Aid:se+cret%2B%2F%25');
  });

  it('token errors: an error member wins even on HTTP 200; unreadable bodies by status', () => {
    const read = (status: number, body: unknown) => codeOf(() => readTokenResponse({ vendor: 'x' }, { status, headers: {}, text: '', body }));
    expect(read(200, { error: 'invalid_grant' })).toBe('connector.invalid_grant');
    expect(read(401, { error: 'invalid_client' })).toBe('connector.auth_failed');
    expect(read(400, { error: 'weird' })).toBe('connector.rejected');
    expect(read(503, undefined)).toBe('connector.unavailable');
    expect(read(429, undefined)).toBe('connector.rate_limited');
    expect(read(200, { token_type: 'bearer' })).toBe('connector.invalid_response');
    expect(readTokenResponse({ vendor: 'x' }, { status: 200, headers: {}, text: '', body: { access_token: 'a', id_token: 'i' } })).toEqual({ access_token: 'a', id_token: 'i' });
  });

  it('scopes, PKCE, constant-time comparison', () => {
    expect(scopeList('profile email, profile', ['openid'])).toEqual(['openid', 'profile', 'email']);
    // RFC 7636 Appendix B test vector.
    expect(pkceChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(sameString('a', 'a')).toBe(true);
    expect(sameString('a', 'ab')).toBe(false);
  });
});
