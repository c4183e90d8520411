import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SAML, ValidateInResponseTo, type Profile, type SamlConfig } from '@node-saml/node-saml';
import { selfSignedCertificate } from '../../src/utils/x509.js';

/**
 * A SAML service provider for the tests: @node-saml/node-saml (an independent, SP-only SAML
 * library) behind a small HTTP server. It signs its AuthnRequests (HTTP-Redirect), takes the
 * Response at its ACS (HTTP-POST) and validates it as a real SP does — signature against the
 * IdP metadata's certificates, Destination, Audience, InResponseTo, NotBefore/NotOnOrAfter — and
 * runs single logout over HTTP-Redirect.
 */
export interface TestSp {
  url: string;
  entityId: string;
  acs: string;
  slo: string;
  privateKey: string;
  certificate: string;
  saml: SAML;
  /** Profiles the ACS accepted, in order. */
  accepted: Profile[];
  /** Errors the ACS or SLO endpoint refused with. */
  refused: string[];
  logoutResponses: number;
  logoutRequests: Profile[];
  metadata(): string;
  configure(idp: { sso: string; slo: string; certs: string[] }, extra?: Partial<SamlConfig>): void;
  close(): Promise<void>;
}

/** The signing certificates (base64) in IdP metadata. */
export function idpCertsOf(metadataXml: string): string[] {
  return [...metadataXml.matchAll(/<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/g)].map((m) => new X509Certificate(Buffer.from(m[1]!, 'base64')).toString());
}

export async function startTestSp(name = 'sp'): Promise<TestSp> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certificate = selfSignedCertificate(privateKey, { commonName: `test ${name}`, days: 30 }).certificate;
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sp: TestSp = {
    url,
    entityId: `${url}/${name}/metadata`,
    acs: `${url}/acs`,
    slo: `${url}/slo`,
    privateKey: privatePem,
    certificate,
    saml: undefined as unknown as SAML,
    accepted: [],
    refused: [],
    logoutResponses: 0,
    logoutRequests: [],
    metadata: () => sp.saml.generateServiceProviderMetadata(null, certificate),
    configure(idp, extra = {}) {
      sp.saml = new SAML({
        entryPoint: idp.sso,
        logoutUrl: idp.slo,
        idpCert: idp.certs,
        issuer: sp.entityId,
        callbackUrl: sp.acs,
        logoutCallbackUrl: sp.slo,
        audience: sp.entityId,
        privateKey: privatePem,
        publicCert: certificate,
        signatureAlgorithm: 'sha256',
        wantAssertionsSigned: true,
        wantAuthnResponseSigned: true,
        validateInResponseTo: ValidateInResponseTo.always,
        identifierFormat: null,
        acceptedClockSkewMs: 0,
        ...extra,
      });
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
  // Placeholder until configure() names the IdP (metadata generation needs an instance).
  sp.configure({ sso: 'https://idp.invalid/sso', slo: 'https://idp.invalid/slo', certs: [certificate] });

  server.on('request', (req, res) => {
    const u = new URL(req.url ?? '/', url);
    const page = (status: number, text: string) => res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>SP</title><main id="sp">${text.replace(/</g, '&lt;')}</main>`);
    const fail = (err: unknown) => {
      sp.refused.push(err instanceof Error ? err.message : String(err));
      page(403, `refused: ${err instanceof Error ? err.message : String(err)}`);
    };
    if (u.pathname === '/login') {
      const extra = Object.fromEntries(u.searchParams);
      sp.saml
        .getAuthorizeUrlAsync(extra.relay ?? '', undefined, {})
        .then((to) => res.writeHead(302, { location: to }).end(), fail);
      return;
    }
    if (u.pathname === '/acs' && req.method === 'POST') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const form = Object.fromEntries(new URLSearchParams(body));
        sp.saml.validatePostResponseAsync(form).then(({ profile }) => {
          if (!profile) return fail(new Error('no profile'));
          sp.accepted.push(profile);
          page(200, `signed in as ${profile.nameID} email=${String(profile.email ?? '')} relay=${form.RelayState ?? ''}`);
        }, fail);
      });
      return;
    }
    if (u.pathname === '/logout') {
      const profile = sp.accepted.at(-1);
      if (!profile) return page(400, 'not signed in');
      sp.saml.getLogoutUrlAsync(profile, '', {}).then((to) => res.writeHead(302, { location: to }).end(), fail);
      return;
    }
    if (u.pathname === '/slo' && req.method === 'POST') {
      // An IdP-initiated LogoutRequest over HTTP-POST (our metadata's SingleLogoutService binding).
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const form = Object.fromEntries(new URLSearchParams(body));
        if (form.SAMLResponse) {
          // The answer to our own LogoutRequest (HTTP-POST binding).
          sp.saml.validatePostResponseAsync(form).then(({ loggedOut }) => {
            if (!loggedOut) return fail(new Error('not a successful LogoutResponse'));
            sp.logoutResponses++;
            page(200, 'logged out');
          }, fail);
          return;
        }
        sp.saml.validatePostRequestAsync(form).then(async ({ profile }) => {
          sp.logoutRequests.push(profile);
          const to = await sp.saml.getLogoutResponseUrlAsync(profile, form.RelayState ?? '', {}, true);
          res.writeHead(302, { location: to }).end();
        }, fail);
      });
      return;
    }
    if (u.pathname === '/slo') {
      const query = Object.fromEntries(u.searchParams);
      sp.saml.validateRedirectAsync(query, u.search.slice(1)).then(async ({ profile, loggedOut }) => {
        if (query.SAMLResponse) {
          if (!loggedOut) return fail(new Error('logout response not successful'));
          sp.logoutResponses++;
          return page(200, 'logged out');
        }
        // An IdP-initiated LogoutRequest (another SP started single logout): answer it.
        sp.logoutRequests.push(profile!);
        const to = await sp.saml.getLogoutResponseUrlAsync(profile!, query.RelayState ?? '', {}, true);
        res.writeHead(302, { location: to }).end();
      }, fail);
      return;
    }
    page(404, 'not found');
  });
  return sp;
}
