import { describe, expect, it } from 'vitest';
import { signedInForRequest } from '../../src/services/sso-protocols/freshness.js';

// Whether a SAML/CAS answer reports a new sign-in or an SSO reuse (the `login` event's method, and
// ForceAuthn/renew). auth_time has one-second resolution: a reuse in the same second as the sign-in
// it reuses was once reported as a new sign-in (a CI run of saml-sso.browser.test.ts caught it).
describe('signed in for this request, or reused the session', () => {
  const second = 1_800_000_000;
  const login = { userId: 'u1', amr: ['pwd'], authTime: second, sessionUid: 's1' };

  it('a reuse in the same second as the sign-in it reuses is a reuse', () => {
    expect(signedInForRequest(login, { createdAt: second * 1000 + 400, prior: { uid: 's1', authTime: second } }, false)).toBe(false);
  });
  it('without a session when the request came in, the user signed in for it', () => {
    expect(signedInForRequest(login, { createdAt: second * 1000 + 400, prior: null }, false)).toBe(true);
  });
  it('a different session, or a newer authentication in it, is a sign-in for this request', () => {
    expect(signedInForRequest(login, { createdAt: second * 1000, prior: { uid: 's0', authTime: second } }, false)).toBe(true);
    expect(signedInForRequest({ ...login, authTime: second + 5 }, { createdAt: second * 1000, prior: { uid: 's1', authTime: second } }, false)).toBe(true);
  });
  it('an authentication older than the request is never fresh, forced or not', () => {
    expect(signedInForRequest(login, { createdAt: (second + 2) * 1000, prior: null }, false)).toBe(false);
    expect(signedInForRequest(login, { createdAt: (second + 2) * 1000, prior: null }, true)).toBe(false);
  });
  it('prompt=login (ForceAuthn, renew) re-authenticates even within the same second and session', () => {
    expect(signedInForRequest(login, { createdAt: second * 1000 + 400, prior: { uid: 's1', authTime: second } }, true)).toBe(true);
  });
});
