import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSign } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAML } from '@node-saml/node-saml';
import { AuthenticationClient } from 'authing-node-sdk';
import { postgresAvailable, redisAvailable, REDIS_URL } from '../support/services.js';
import { boundManagementClient, startServer, type TestServer } from '../support/server.js';
import { startTestSp, type TestSp } from './test-sp.js';

/**
 * Every bad input of the SAML IdP and the CAS server, on PostgreSQL + Redis with two nodes
 * behind one public address (requests alternate between the nodes; state lives in the shared
 * database and KV): tampered and wrapped AuthnRequests, unknown issuers, unregistered ACS
 * addresses and services, DTDs and entities, oversized and inflating messages, replayed,
 * cross-service and expired tickets, and bad configurations.
 */
const hasPg = await postgresAvailable();
const hasRedis = await redisAvailable();
const PASSWORD = 'Correct horse battery 42!';

describe.skipIf(!hasPg || !hasRedis)('SAML and CAS bad input, PostgreSQL + Redis, two nodes', () => {
  let a: TestServer;
  let b: TestServer;
  let pub = '';
  let sp: TestSp;
  let samlApp = '';
  let casApp = '';
  let SERVICE = '';
  let OTHER = '';
  let n = 0;
  /** The "load balancer": alternate nodes, same public URL. */
  const node = () => (n++ % 2 === 0 ? a : b);
  const via = (url: string, to = node()) => url.replace(pub, to.url);

  beforeAll(async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    pub = `http://127.0.0.1:${port}`;
    a = await startServer({ db: 'postgres', config: { port, publicUrl: pub, redisUrl: REDIS_URL } as never });
    b = await startServer({ join: a, config: { publicUrl: pub, redisUrl: REDIS_URL } as never });
    sp = await startTestSp('bad-input-sp');
    SERVICE = `${sp.url}/svc/a`;
    OTHER = `${sp.url}/svc/b`;
    const mgmt = boundManagementClient({ ...a.rootKey, host: a.url });
    const r = (await mgmt.createApplication({ appName: 'SAML SP', appType: 'web', samlProviderEnabled: true, samlConfig: { spMetadataXml: sp.metadata(), requireSignedRequests: true } } as never)) as { statusCode: number; message: string; data: { appId: string } };
    expect(r.statusCode, r.message).toBe(200);
    samlApp = r.data.appId;
    const c = (await mgmt.createApplication({ appName: 'CAS', appType: 'web', casProviderEnabled: true, casConfig: { serviceUrls: [SERVICE, OTHER], ticketTtlSeconds: 1 } } as never)) as { statusCode: number; message: string; data: { appId: string } };
    expect(c.statusCode, c.message).toBe(200);
    casApp = c.data.appId;
    const u = (await a.container.services.users.create(a.poolId, { email: 'eve@example.com' } as never)) as { userId: string };
    await a.container.authn.passwords.set(a.poolId, (await a.container.repos.users.findById(a.poolId, u.userId))!, PASSWORD, { skipPolicy: true });
    const metadata = await (await fetch(`${b.url}/api/v2/saml-idp/${samlApp}/metadata`)).text();
    sp.configure({ sso: `${pub}/api/v2/saml-idp/${samlApp}`, slo: `${pub}/api/v2/saml-idp/${samlApp}/slo`, certs: [...metadata.matchAll(/<ds:X509Certificate>([^<]+)</g)].map((m) => `-----BEGIN CERTIFICATE-----\n${m[1]}\n-----END CERTIFICATE-----`) });
  }, 90_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await sp?.close();
  });

  const sso = () => `${pub}/api/v2/saml-idp/${samlApp}`;
  const now = () => new Date().toISOString();
  const authnRequest = (o: { issuer?: string; acs?: string; id?: string; extra?: string; prolog?: string } = {}) =>
    `${o.prolog ?? ''}<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${o.id ?? '_req1'}" Version="2.0" IssueInstant="${now()}" Destination="${sso()}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"${o.acs ? ` AssertionConsumerServiceURL="${o.acs}"` : ''}><saml:Issuer>${o.issuer ?? sp.entityId}</saml:Issuer>${o.extra ?? ''}</samlp:AuthnRequest>`;
  /** An HTTP-Redirect request, signed with the SP's key over the exact query octets (SAML Bindings §3.4.4.1). */
  const redirectQuery = (xml: string, opts: { sign?: boolean; tamper?: (q: string) => string } = {}) => {
    let q = `SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'))}&SigAlg=${encodeURIComponent('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256')}`;
    if (opts.sign !== false) q += `&Signature=${encodeURIComponent(createSign('sha256').update(q).sign(sp.privateKey, 'base64'))}`;
    return opts.tamper ? opts.tamper(q) : q;
  };
  const get = async (url: string) => {
    const res = await fetch(via(url), { redirect: 'manual' });
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  };
  const post = async (url: string, form: Record<string, string>) => {
    const res = await fetch(via(url), { method: 'POST', redirect: 'manual', body: new URLSearchParams(form) });
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  };
  /** An error page: the status, the catalogued code shown, and no form or redirect anywhere. */
  const refusedPage = (r: { status: number; location: string | null; body: string }, status: number, apiCode: number) => {
    expect(r.status, r.body.slice(0, 300)).toBe(status);
    expect(r.location).toBeNull();
    expect(r.body).toContain(`<code>${apiCode}</code>`);
    expect(r.body).not.toContain('<form');
  };

  it('accepts a correctly signed Redirect request (the baseline the refusals below differ from)', async () => {
    const r = await get(`${sso()}?${redirectQuery(authnRequest())}`);
    expect(r.status).toBe(303);
    expect(r.location).toContain(`${pub}/oidc/auth?client_id=${samlApp}`);
  });

  it('refuses tampered, unsigned and wrapped AuthnRequests', async () => {
    // The message changed after signing.
    const tampered = redirectQuery(authnRequest(), { tamper: (q) => q.replace(/^SAMLRequest=[^&]+/, `SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(authnRequest({ acs: `${sp.url}/acs`, id: '_evil' }))).toString('base64'))}`) });
    refusedPage(await get(`${sso()}?${tampered}`), 403, 7600012);
    // No signature while the SP's metadata says it signs (AuthnRequestsSigned / requireSignedRequests).
    refusedPage(await get(`${sso()}?${redirectQuery(authnRequest(), { sign: false })}`), 403, 7600012);
    // SHA-1 is not accepted.
    const sha1 = `SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(authnRequest())).toString('base64'))}&SigAlg=${encodeURIComponent('http://www.w3.org/2000/09/xmldsig#rsa-sha1')}`;
    refusedPage(await get(`${sso()}?${sha1}&Signature=${encodeURIComponent(createSign('sha1').update(sha1).sign(sp.privateKey, 'base64'))}`), 403, 7600012);
    // POST binding, signed by the SP library; then wrapped: the signed request moved inside an evil unsigned one (XSW).
    const signer = new SAML({ entryPoint: sso(), issuer: sp.entityId, callbackUrl: sp.acs, idpCert: sp.certificate, privateKey: sp.privateKey, signatureAlgorithm: 'sha256', authnRequestBinding: 'HTTP-POST', skipRequestCompression: true, digestAlgorithm: 'sha256', identifierFormat: null });
    const form = (await signer.getAuthorizeMessageAsync('', undefined, {})) as { SAMLRequest: string };
    const signedXml = Buffer.from(form.SAMLRequest, 'base64').toString();
    const ok = await post(sso(), { SAMLRequest: form.SAMLRequest });
    expect(ok.status, /<code>\d+<\/code>/.exec(ok.body)?.[0]).toBe(303);
    const wrapped = authnRequest({ id: '_wrapper', acs: 'https://attacker.example/acs', extra: `<samlp:Extensions>${signedXml.replace(/^<\?xml[^>]*>/, '')}</samlp:Extensions>` });
    refusedPage(await post(sso(), { SAMLRequest: Buffer.from(wrapped).toString('base64') }), 403, 7600012);
    const edited = signedXml.replace('ForceAuthn', 'IsPassive="true" ForceAuthn').replace(/AssertionConsumerServiceURL="[^"]+"/, 'AssertionConsumerServiceURL="https://attacker.example/acs"');
    refusedPage(await post(sso(), { SAMLRequest: Buffer.from(edited).toString('base64') }), 403, 7600012);
  });

  it('refuses unknown issuers, unregistered ACS addresses and unknown applications with a page, never a POST', async () => {
    refusedPage(await get(`${sso()}?${redirectQuery(authnRequest({ issuer: 'https://stranger.example/sp' }))}`), 403, 7600009);
    const r = await get(`${sso()}?${redirectQuery(authnRequest({ acs: 'https://attacker.example/acs' }))}`);
    refusedPage(r, 403, 7600010);
    expect(r.body).not.toContain('attacker.example');
    refusedPage(await get(`${pub}/api/v2/saml-idp/000000000000000000000000?${redirectQuery(authnRequest())}`), 404, 7600017);
    refusedPage(await get(`${pub}/api/v2/saml-idp/${casApp}?${redirectQuery(authnRequest())}`), 404, 7600004);
    // IdP-initiated is off by default.
    refusedPage(await get(sso()), 403, 7600015);
    // A forged or replayed continuation: no pending request behind it.
    refusedPage(await get(`${pub}/api/v2/saml-idp/${samlApp}/continue?code=x&state=${'a'.repeat(32)}`), 400, 7600016);
  });

  it('refuses DTDs and entities (no XXE), malformed and oversized messages', async () => {
    const xxe = authnRequest({ prolog: '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>', issuer: '&x;' });
    refusedPage(await post(sso(), { SAMLRequest: Buffer.from(xxe).toString('base64') }), 400, 7600008);
    refusedPage(await get(`${sso()}?${redirectQuery(xxe)}`), 400, 7600008);
    const lol = `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>${authnRequest()}`;
    refusedPage(await post(sso(), { SAMLRequest: Buffer.from(lol).toString('base64') }), 400, 7600008);
    refusedPage(await post(sso(), { SAMLRequest: Buffer.from('<samlp:AuthnRequest').toString('base64') }), 400, 7600007);
    refusedPage(await post(sso(), { SAMLRequest: '%%%not-base64' }), 400, 7600007);
    refusedPage(await post(sso(), {}), 400, 7600005);
    // 70 kB of XML (over the 64 KiB limit) over POST, and a small DEFLATE stream that inflates past it over Redirect.
    const big = authnRequest({ extra: `<samlp:Extensions>${'<x/>'.repeat(18_000)}</samlp:Extensions>` });
    refusedPage(await post(sso(), { SAMLRequest: Buffer.from(big).toString('base64') }), 413, 7600006);
    const bomb = encodeURIComponent(deflateRawSync(Buffer.alloc(5_000_000, 0x20)).toString('base64'));
    refusedPage(await get(`${sso()}?SAMLRequest=${bomb}`), 413, 7600006);
    // A body past the endpoint's limit is refused before it is read.
    const huge = await fetch(via(sso()), { method: 'POST', body: new URLSearchParams({ SAMLRequest: 'A'.repeat(400_000) }) });
    refusedPage({ status: huge.status, location: null, body: await huge.text() }, 413, 7600006);
  });

  /** A browser without a browser: follows redirects with a cookie jar and submits the hosted login's no-JS form. */
  async function casTicket(service: string): Promise<string> {
    const jar = new Map<string, string>();
    let url = `${pub}/cas-idp/${casApp}?service=${encodeURIComponent(service)}`;
    for (let i = 0; i < 20; i++) {
      const to = node();
      const res = await fetch(via(url, to), { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const [k, v] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
        if (/max-age=0|expires=thu, 01 jan 1970/i.test(c)) jar.delete(k);
        else jar.set(k, v);
      }
      const loc = res.headers.get('location');
      if (loc) {
        const next = new URL(loc, pub).href;
        if (next.startsWith(service)) return new URL(next).searchParams.get('ticket')!;
        url = next;
        continue;
      }
      const html = await res.text();
      const action = /<form[^>]*method="post"[^>]*action="([^"]*\/login)"/.exec(html)?.[1];
      expect(action, html.slice(0, 500)).toBeTruthy();
      const r = await fetch(via(new URL(action!.replace(/&amp;/g, '&'), pub).href), { method: 'POST', redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ method: 'password', account: 'eve@example.com', password: PASSWORD }) });
      url = new URL(r.headers.get('location')!, pub).href;
    }
    throw new Error('no ticket');
  }

  it('refuses replayed, cross-service and expired service tickets on whichever node validates', async () => {
    const client = (to: TestServer) => new AuthenticationClient({ appId: casApp, appHost: to.url, tokenEndPointAuthMethod: 'none' } as never);
    const t1 = await casTicket(SERVICE);
    expect(await client(a).validateTicketV2(t1, SERVICE)).toMatchObject({ serviceResponse: { authenticationSuccess: { attributes: { email: 'eve@example.com' } } } });
    expect(await client(b).validateTicketV2(t1, SERVICE)).toMatchObject({ authenticationFailure: { code: 'INVALID_TICKET' } });
    const t2 = await casTicket(SERVICE);
    expect(await client(b).validateTicketV2(t2, OTHER)).toMatchObject({ authenticationFailure: { code: 'INVALID_SERVICE' } });
    // Another app's endpoint does not know this app's tickets.
    const t3 = await casTicket(SERVICE);
    expect(await new AuthenticationClient({ appId: samlApp, appHost: b.url, tokenEndPointAuthMethod: 'none' } as never).validateTicketV2(t3, SERVICE)).toMatchObject({ authenticationFailure: { code: 'INVALID_REQUEST' } });
    // ticketTtlSeconds: 1 — a ticket presented after that is gone.
    const t4 = await casTicket(SERVICE);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await client(a).validateTicketV2(t4, SERVICE)).toMatchObject({ authenticationFailure: { code: 'INVALID_TICKET' } });
    expect(await client(b).validateTicketV2('ST-forged', SERVICE)).toMatchObject({ authenticationFailure: { code: 'INVALID_TICKET' } });
    expect(await client(b).validateTicketV2('PT-1', SERVICE)).toMatchObject({ authenticationFailure: { code: 'INVALID_TICKET_SPEC' } });
    expect(await client(a).validateTicketV1(t2, SERVICE)).toMatchObject({ valid: false }); // spent by the cross-service attempt
  }, 60_000);

  it('refuses unregistered services at login with a page, never a redirect', async () => {
    refusedPage(await get(`${pub}/cas-idp/${casApp}?service=${encodeURIComponent('https://attacker.example/cas')}`), 403, 7610003);
    refusedPage(await get(`${pub}/cas-idp/${casApp}?service=${encodeURIComponent(`${SERVICE}/../admin`)}`), 403, 7610003);
    refusedPage(await get(`${pub}/cas-idp/${samlApp}?service=${encodeURIComponent(SERVICE)}`), 404, 7610002);
    // Logout to an unregistered url shows a page instead of redirecting there.
    const r = await get(`${pub}/cas-idp/logout?url=${encodeURIComponent('https://attacker.example/')}`);
    expect(r.status).toBe(200);
    expect(r.location).toBeNull();
  });

  it('refuses bad SAML and CAS configurations with specific errors', async () => {
    const mgmt = boundManagementClient({ ...b.rootKey, host: b.url });
    const bad = async (body: Record<string, unknown>, apiCode: number, field?: RegExp) => {
      const r = (await mgmt.createApplication({ appName: 'x', appType: 'web', ...body } as never)) as { statusCode: number; apiCode: number; message: string };
      expect(r.apiCode, r.message).toBe(apiCode);
      if (field) expect(r.message).toMatch(field);
    };
    await bad({ samlProviderEnabled: true, samlConfig: { spEntityId: 'sp', acsUrls: [{ url: 'http://sp.example.com/acs', binding: 'HTTP-POST' }] } }, 7600001, /https/);
    await bad({ samlConfig: { spEntityId: 'sp', acsUrls: [{ url: 'https://sp.example.com/acs', binding: 'HTTP-Redirect' }] } }, 7600001, /binding/);
    await bad({ samlConfig: { spEntityId: 'sp', acsUrls: [{ url: 'https://sp.example.com/acs#x' }] } }, 7600001, /fragment/);
    await bad({ samlConfig: { spEntityId: 'sp', acsUrls: ['https://sp.example.com/acs'], signResponse: false, signAssertion: false } }, 7600001, /signAssertion/);
    await bad({ samlConfig: { spEntityId: 'sp', acsUrls: ['https://sp.example.com/acs'], encryptAssertion: true } }, 7600001, /spCertificate/);
    await bad({ samlConfig: { spEntityId: 'sp', acsUrls: ['https://sp.example.com/acs'], signatureAlgorithm: 'rsa-sha1' } }, 7600001, /signatureAlgorithm/);
    await bad({ samlConfig: { spEntityId: 'sp', acsUrls: ['https://sp.example.com/acs'], attributeMappings: { email: 'password' } } }, 7600001, /attributeMappings/);
    await bad({ samlConfig: { spMetadataXml: '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="&e;"/>' } }, 7600002);
    await bad({ samlConfig: { spMetadataUrl: `${sp.url}/metadata` } }, 7600001, /https/);
    await bad({ samlConfig: { spMetadataUrl: 'https://127.0.0.1:1/metadata' } }, 7600003);
    await bad({ casProviderEnabled: true }, 7610001);
    await bad({ casConfig: { serviceUrls: ['http://cas.example.com/'] } }, 7610001, /https/);
    await bad({ casConfig: { serviceUrls: [], servicePatterns: ['https://*.example.com/*'] } }, 7610001, /servicePatterns/);
    await bad({ casConfig: { serviceUrls: ['https://cas.example.com/'], ticketTtlSeconds: 3600 } }, 7610001, /ticketTtlSeconds/);
    await bad({ casConfig: { serviceUrls: ['https://cas.example.com/'], attributes: ['password_hash'] } }, 7610001, /attributes/);
  });
});
