import * as oc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, startOidcServer, type OidcTestServer } from '../oidc/support.js';
import { TEST_PIN, testPinMethod, testWordStep } from './test-method.js';

/**
 * Adding a way in is one object that satisfies `LoginMethod` plus one registration line: a
 * test-only PIN method, registered in a test container, signs in through /api/v3/signin and the
 * hosted login and gets tokens — with the engine's counters, history, events and policy steps.
 */
const CB = 'http://127.0.0.1:9/cb';

describe('a login method added by registration alone', () => {
  let s: OidcTestServer;
  let app: { appId: string; appSecret: string };
  let userId: string;

  beforeAll(async () => {
    s = await startOidcServer({ extensions: (c) => ({ loginMethods: [testPinMethod(c) as never], steps: [testWordStep(c)] }) });
    app = await s.container.services.applications.create(s.poolId, { appName: 'Pin app', appType: 'web', redirectUris: [CB] } as never);
    userId = (await s.container.services.users.create(s.poolId, { email: 'pin@example.com' })).userId;
    await s.container.services.users.create(s.poolId, { email: 'needs-step@example.com' });
  });
  afterAll(async () => s?.close());

  const signIn = (payload: Record<string, unknown>, options: Record<string, unknown> = {}) =>
    fetch(`${s.url}/api/v3/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-authing-app-id': app.appId },
      body: JSON.stringify({ connection: 'TEST_PIN', testPinPayload: payload, client_id: app.appId, client_secret: app.appSecret, options }),
    }).then((r) => r.json() as Promise<{ statusCode: number; apiCode?: number; data: Record<string, unknown> }>);

  it('signs in through /api/v3/signin and gets the token response, amr from the method', async () => {
    await s.container.services.applications.update(s.poolId, app.appId, { tokenEndpointAuthMethod: 'client_secret_post' } as never).catch(() => undefined);
    const r = await signIn({ email: 'pin@example.com', pin: TEST_PIN }, { scope: 'openid profile email' });
    expect(r.statusCode).toBe(200);
    const idToken = JSON.parse(Buffer.from(String(r.data.id_token).split('.')[1]!, 'base64url').toString()) as { sub: string; amr: string[] };
    expect(idToken.sub).toBe(userId);
    expect(idToken.amr).toEqual(['pin']);
    const me = await fetch(`${s.url}/oidc/me`, { headers: { authorization: `Bearer ${r.data.access_token}` } }).then((x) => x.json() as Promise<{ sub: string }>);
    expect(me.sub).toBe(userId);
  });

  it('gets the engine’s counters: 2333 for wrong PINs, then a captcha, for known and unknown accounts alike', async () => {
    for (const email of ['pin-counter@example.com', 'nobody-pin@example.com']) {
      if (email.startsWith('pin-')) await s.container.services.users.create(s.poolId, { email });
      for (let i = 0; i < 3; i++) expect(await signIn({ email, pin: '000000' })).toMatchObject({ apiCode: 2333 });
      expect(await signIn({ email, pin: TEST_PIN })).toMatchObject({ apiCode: 2060001 });
    }
  });

  it('validates its payload with its own schema, naming the field', async () => {
    const r = await signIn({ email: 'pin@example.com', pin: 12 });
    expect(r).toMatchObject({ statusCode: 400, apiCode: 1000002 });
    expect((r as unknown as { message: string }).message).toContain('body/testPinPayload/pin');
  });

  it('records history and the login event', async () => {
    await s.container.services.audit.flush();
    const events = await s.container.services.audit.list(s.poolId, 100, 'login');
    expect(events.some((e) => e.subject === userId && JSON.parse(e.data).method === 'test-pin')).toBe(true);
  });

  it('runs policy steps: a step that asks for more answers with a flow token, and the answer finishes the sign-in', async () => {
    const r = await signIn({ email: 'needs-step@example.com', pin: TEST_PIN });
    expect(r).toMatchObject({ statusCode: 403, apiCode: 2070004 });
    const flowToken = r.data.flowToken as string;
    expect(r.data).toMatchObject({ step: 'test-word', hint: 'say the word' });
    const cont = (body: Record<string, unknown>) =>
      fetch(`${s.url}/api/v3/continue-signin`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-authing-app-id': app.appId }, body: JSON.stringify({ client_id: app.appId, client_secret: app.appSecret, ...body }) }).then((x) => x.json() as Promise<{ statusCode: number; apiCode?: number; data: Record<string, unknown> }>);
    expect(await cont({ flowToken, input: { word: 'wrong' } })).toMatchObject({ apiCode: 2333 });
    const done = await cont({ flowToken, input: { word: 'open sesame' } });
    expect(done.statusCode).toBe(200);
    const claims = JSON.parse(Buffer.from(String(done.data.id_token).split('.')[1]!, 'base64url').toString()) as { amr: string[] };
    expect(claims.amr).toEqual(['pin', 'word']);
    // A flow token is single use: finished, it is gone.
    expect(await cont({ flowToken, input: { word: 'open sesame' } })).toMatchObject({ apiCode: 2070001 });
    // And it is not an access token.
    expect((await fetch(`${s.url}/oidc/me`, { headers: { authorization: `Bearer ${flowToken}` } })).status).toBe(401);
    const profile = await fetch(`${s.url}/api/v3/get-profile`, { headers: { authorization: flowToken, 'x-authing-app-id': app.appId } }).then((x) => x.json());
    expect(profile).toMatchObject({ statusCode: 401, apiCode: 2020 });
  });

  it('signs in through the hosted login with its own tab and form, inside an OIDC request', async () => {
    const config = await oc.discovery(new URL(`${s.url}/oidc`), app.appId, undefined, oc.ClientSecretPost(app.appSecret), { execute: [oc.allowInsecureRequests] });
    const verifier = oc.randomPKCECodeVerifier();
    const url = oc.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid email', code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'st' });
    const browser = new Browser({ 'accept-language': 'en' });
    const first = await browser.follow(url.toString(), CB);
    const tabbed = await browser.fetch(`${first.url}?tab=test-pin`);
    const html = await tabbed.text();
    expect(html).toContain('name="pin"');
    expect(html).toContain('>PIN</a>');
    const post = await browser.postForm(`${first.url}/login`, { method: 'test-pin', email: 'pin@example.com', pin: TEST_PIN });
    expect(post.status).toBe(303);
    const { url: callback } = await browser.follow(new URL(post.headers.get('location')!, first.url).toString(), CB);
    const tokens = await oc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: 'st' });
    expect(tokens.claims()!.sub).toBe(userId);
    expect(tokens.claims()!.amr).toEqual(['pin']);
  });
});
