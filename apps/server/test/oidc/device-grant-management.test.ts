import * as oc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { freePort } from '../cli/run-cli.js';
import { startServer, type TestServer } from '../support/server.js';
import { ok, raw, refused } from '../support/management.js';
import { clickButton, launchChromium, signInOnHostedPage } from '../support/browser.js';

/**
 * The device authorization grant (RFC 8628) enabled through the management API: the vendor
 * `ManagementClient` creates an app with the grant in `oidcConfig.grant_types`, and a device
 * flow completes (openid-client as the device, Chromium as the user's phone).
 */
const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';
const PASSWORD = 'device flow through the api 7';

describe('device grant through create-application / update-application', () => {
  let s: TestServer;
  let browser: Browser;
  let userId: string;
  beforeAll(async () => {
    const port = await freePort(); // the issuer is the public URL, so it must be known before the start
    s = await startServer({ config: { port, publicUrl: `http://127.0.0.1:${port}` } });
    browser = await launchChromium();
    userId = ok(await s.mgmt().createUser({ email: 'tv@example.com', password: PASSWORD })).userId;
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('creates a web app with the device grant and completes a device flow', async () => {
    const mc = s.mgmt();
    const app = ok(await mc.createApplication({ appName: 'Living-room TV', appType: 'web' as never, oidcConfig: { grant_types: [DEVICE, 'refresh_token'] } as never }));
    expect((app.oidcConfig as { grant_types?: string[] }).grant_types).toEqual([DEVICE, 'refresh_token']);
    const { secret } = ok(await raw(mc, 'GET', '/api/v3/get-application-secret', { appId: app.appId }));

    const device = await oc.discovery(new URL(`${s.url}/oidc`), app.appId, undefined, oc.ClientSecretPost(secret), { execute: [oc.allowInsecureRequests] });
    const da = await oc.initiateDeviceAuthorization(device, { scope: 'openid profile email offline_access' });

    const page = await browser.newPage({ locale: 'en-US' });
    page.setDefaultTimeout(10_000);
    try {
      await page.goto(da.verification_uri_complete!);
      await clickButton(page, /continue|继续/i); // the code matches the device
      await signInOnHostedPage(page, 'tv@example.com', PASSWORD);
      await page.getByText(/connected|已连接/i).first().waitFor();
    } catch (err) {
      throw new Error(`${(err as Error).message}\npage ${page.url()}:\n${await page.content()}`);
    } finally {
      await page.close();
    }

    const tokens = await oc.pollDeviceAuthorizationGrant(device, da);
    expect(tokens.claims()!.sub).toBe(userId);
    expect(tokens.refresh_token).toBeTruthy();
  });

  it('adds and removes the grant with update-application; refuses it for api apps', async () => {
    const mc = s.mgmt();
    const app = ok(await mc.createApplication({ appName: 'Kiosk', appType: 'web' as never, redirectUris: ['https://kiosk.example.com/cb'] }));
    ok(await mc.updateApplication({ appId: app.appId, oidcConfig: { grant_types: ['authorization_code', 'refresh_token', DEVICE] } as never }));
    expect((ok(await mc.getApplication({ appId: app.appId })).oidcConfig as { grant_types?: string[] }).grant_types).toContain(DEVICE);
    ok(await mc.updateApplication({ appId: app.appId, oidcConfig: { grant_types: ['authorization_code'] } as never }));
    const { secret } = ok(await raw(mc, 'GET', '/api/v3/get-application-secret', { appId: app.appId }));
    const device = await oc.discovery(new URL(`${s.url}/oidc`), app.appId, undefined, oc.ClientSecretPost(secret), { execute: [oc.allowInsecureRequests] });
    await expect(oc.initiateDeviceAuthorization(device, { scope: 'openid' })).rejects.toMatchObject({ error: expect.stringMatching(/unauthorized_client|invalid_request/), error_description: expect.stringMatching(/device|grant/i) });

    refused(await mc.createApplication({ appName: 'Worker', appType: 'api' as never, oidcConfig: { grant_types: [DEVICE] } as never }), 4000002);
  });
});
