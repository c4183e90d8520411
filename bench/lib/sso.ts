import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { ManagementClient } from 'authing-node-sdk';
import { Browser, codeFlow } from './gatehouse.js';

/**
 * The SAML and CAS scenarios (docs/performance.md, "Scenarios of the newer paths"): what one
 * signed-in browser costs the server each time another application of the pool asks who it is.
 * Both go through the server's HTTP surface only, exactly as a browser does with an existing
 * SSO session (docs/saml.md, "One session for every protocol"): the protocol endpoint → the
 * authorization endpoint of the application's own OIDC client, which reuses the session → the
 * continuation endpoint, which redeems the code in-process and answers.
 */

export interface SsoBench {
  /** One unit of the scenario for worker `w`; returns an error description or undefined. */
  iteration: (w: number) => Promise<string | undefined>;
  /** How many units were checked in full (SAML: signature, audience, destination by node-saml). */
  fullyChecked: () => number;
}

interface Setup {
  url: string;
  web: { appId: string; appSecret: string };
  /** One account per worker, signed in once through the hosted login before the scenario: the SSO sessions (none with a second factor enrolled). */
  accounts: string[];
  mc: ManagementClient;
}

async function signedInBrowsers(url: string, web: Setup['web'], accounts: string[]): Promise<Browser[]> {
  const browsers: Browser[] = [];
  for (const account of accounts) {
    const b = new Browser();
    await codeFlow(url, b, web, account);
    browsers.push(b);
  }
  return browsers;
}

function must<T>(what: string, r: unknown): T {
  const e = r as { statusCode: number; data: T };
  if (e.statusCode !== 200) throw new Error(`${what}: ${JSON.stringify(r).slice(0, 300)}`);
  return e.data;
}

const ATTR = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
const unescapeHtml = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/**
 * SAML: SP-initiated sign-in for a browser with an SSO session. One unit = an unsigned
 * AuthnRequest (HTTP-Redirect, built by @node-saml/node-saml as an SP would) → GET
 * /api/v2/saml-idp/<appId> → /oidc/auth (session reused, code issued) → GET …/continue (code
 * redeemed, assertion built, Assertion and Response each signed RSA-SHA256) → the auto-posting
 * form. Every response must be a successful Response addressed to the ACS with a signed
 * Assertion; every `fullEvery`-th is validated in full by node-saml (signature against the
 * metadata's certificate, Destination, Audience, InResponseTo, validity window) — in the load
 * generator, whose CPU is not the server's.
 */
export async function setupSaml({ url, web, accounts, mc }: Setup, fullEvery = 25): Promise<SsoBench> {
  const workers = accounts.length;
  const acs = 'http://127.0.0.1:9/bench-sp/acs';
  const entityId = 'http://127.0.0.1:9/bench-sp/metadata';
  const spConfig = { issuer: entityId, callbackUrl: acs, audience: entityId, wantAssertionsSigned: true, wantAuthnResponseSigned: true, identifierFormat: null, acceptedClockSkewMs: 5_000 } as const;
  const draft = new SAML({ ...spConfig, entryPoint: 'https://idp.invalid/sso', idpCert: 'placeholder' });
  const app = must<{ appId: string }>('create SAML application', await mc.createApplication({ appName: 'Bench SAML SP', appType: 'web', samlProviderEnabled: true, samlConfig: { spMetadataXml: draft.generateServiceProviderMetadata(null) } } as never));
  const sso = `${url}/api/v2/saml-idp/${app.appId}`;
  const metadata = await (await fetch(`${sso}/metadata`)).text();
  const certs = [...metadata.matchAll(/<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/g)].map((m) => m[1]!);
  if (certs.length === 0) throw new Error(`no signing certificate in the IdP metadata: ${metadata.slice(0, 300)}`);
  // One SP instance per worker: InResponseTo is checked against the requests that instance made.
  const sps = Array.from({ length: workers }, () => new SAML({ ...spConfig, entryPoint: sso, idpCert: certs, validateInResponseTo: ValidateInResponseTo.always }));
  const browsers = await signedInBrowsers(url, web, accounts);
  let n = 0;
  let full = 0;
  return {
    fullyChecked: () => full,
    iteration: async (w) => {
      const to = await sps[w]!.getAuthorizeUrlAsync('', undefined, {});
      const { res, url: at } = await browsers[w]!.follow(to, acs);
      const html = await res.text();
      if (res.status !== 200) return `${res.status} at ${at}: ${html.slice(0, 200)}`;
      if (!html.includes(`action="${acs}"`)) return `form not addressed to the ACS: ${html.slice(0, 200)}`;
      const b64 = ATTR(html, 'SAMLResponse');
      if (!b64) return `no SAMLResponse: ${html.slice(0, 200)}`;
      const xml = Buffer.from(unescapeHtml(b64), 'base64').toString('utf8');
      if (!xml.includes('urn:oasis:names:tc:SAML:2.0:status:Success') || !/<(\w+:)?Assertion[\s>]/.test(xml) || (xml.match(/SignatureValue>/g)?.length ?? 0) < 4) return `not a signed successful Response: ${xml.slice(0, 300)}`;
      if (n++ % fullEvery === 0) {
        const { profile } = await sps[w]!.validatePostResponseAsync({ SAMLResponse: unescapeHtml(b64) });
        if (!profile?.nameID) return 'node-saml accepted no profile';
        full++;
      }
      return undefined;
    },
  };
}

/**
 * CAS: a service ticket for a browser with an SSO session, then its validation. One unit =
 * GET /cas-idp/<appId>?service=… → /oidc/auth (session reused) → …/continue (ticket issued) →
 * the redirect to the service with `ticket=ST-…`, then GET /cas-idp/<appId>/p3/serviceValidate
 * (the ticket consumed; the user and attributes in the XML), as the service's CAS client does.
 * The validation's own latency is reported apart (`validate`) — it is the back-channel call.
 */
export async function setupCas({ url, web, accounts, mc }: Setup): Promise<SsoBench & { validateMs: () => number[] }> {
  const service = 'http://127.0.0.1:9/bench-cas/callback';
  const app = must<{ appId: string }>('create CAS application', await mc.createApplication({ appName: 'Bench CAS service', appType: 'web', casProviderEnabled: true, casConfig: { serviceUrls: [service], attributes: ['email', 'name', 'username'] } } as never));
  const base = `${url}/cas-idp/${app.appId}`;
  const browsers = await signedInBrowsers(url, web, accounts);
  const validateMs: number[] = [];
  return {
    fullyChecked: () => validateMs.length,
    validateMs: () => validateMs,
    iteration: async (w) => {
      const { res, url: at } = await browsers[w]!.follow(`${base}?service=${encodeURIComponent(service)}`, service);
      if (!at.startsWith(service)) return `no redirect to the service (${res.status} at ${at}): ${(await res.text()).slice(0, 200)}`;
      const ticket = new URL(at).searchParams.get('ticket');
      if (!ticket?.startsWith('ST-')) return `no service ticket in ${at}`;
      const t0 = process.hrtime.bigint();
      const v = await fetch(`${base}/p3/serviceValidate?${new URLSearchParams({ service, ticket })}`);
      const body = await v.text();
      validateMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (v.status !== 200 || !body.includes('<cas:authenticationSuccess>') || !body.includes('<cas:user>')) return `serviceValidate: ${v.status} ${body.slice(0, 200)}`;
      return undefined;
    },
  };
}
