/**
 * A SAML 2.0 identity provider for the `saml` connector and the server's end-to-end tests, built
 * with xml-crypto (the XML-DSig library under @node-saml). It serves its metadata, takes
 * HTTP-Redirect AuthnRequests at /sso (checking the SP's entity ID, ACS URL and Destination, and
 * the redirect signature when the SP registered a certificate), and answers with an
 * auto-submitted HTTP-POST form carrying a Response whose assertion it signs (RSA-SHA256,
 * exclusive c14n). Tests shape the next response (`nextResponse`: unsigned, wrong key, other
 * audience, expired, another Destination/Recipient/InResponseTo/Issuer, error status) and can
 * build responses directly, including signature-wrapping variants.
 */
import { createVerify, randomBytes } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { DOMParser, XMLSerializer, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { autoPostForm, html, startHttpFake, type FakeRequest, type FakeResponse } from './http.js';

export interface SamlIdpUser {
  nameId: string;
  nameIdFormat?: string;
  attributes: Record<string, string | string[]>;
}

export interface SamlSpRegistration {
  entityId: string;
  acsUrl: string;
  /** When set, AuthnRequests must be signed with this certificate's key. */
  certificate?: string;
}

export interface ResponseShape {
  user: SamlIdpUser;
  acsUrl: string;
  audience: string;
  inResponseTo?: string;
  destination?: string;
  recipient?: string;
  issuer?: string;
  /** Which parts are signed (default: the assertion). */
  sign?: 'assertion' | 'response' | 'both' | 'none';
  /** Sign with an unrelated key. */
  rogue?: boolean;
  /** NotOnOrAfter relative to now (default +5 min); negative for an expired assertion. */
  validForMs?: number;
  status?: 'Success' | 'AuthnFailed' | 'RequestDenied';
  assertionId?: string;
}

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const newId = () => `_${randomBytes(16).toString('hex')}`;

export interface SamlIdpOptions {
  /** Public base URL of the IdP, e.g. https://idp.example.test (served from a local port). */
  baseUrl: string;
  entityId: string;
  key: string;
  cert: string;
  /** An unrelated key pair for forged signatures. */
  rogueKey: string;
  rogueCert: string;
  sps: SamlSpRegistration[];
  users: SamlIdpUser[];
  /** Also list an HTTP-POST SSO endpoint, or only that one. */
  ssoBindings?: Array<'redirect' | 'post'>;
}

export function idpMetadataXml(o: Pick<SamlIdpOptions, 'baseUrl' | 'entityId' | 'cert' | 'ssoBindings'>): string {
  const b64 = o.cert.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const bindings = o.ssoBindings ?? ['redirect', 'post'];
  const sso = bindings
    .map((b) => `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:${b === 'redirect' ? 'HTTP-Redirect' : 'HTTP-POST'}" Location="${esc(o.baseUrl)}/sso"/>`)
    .join('');
  return `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${esc(o.entityId)}"><md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>${sso}</md:IDPSSODescriptor></md:EntityDescriptor>`;
}

function sign(xml: string, xpath: string, issuerXpath: string, key: string, cert: string): string {
  const sig = new SignedXml({ privateKey: key, publicCert: cert, signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#' });
  sig.addReference({ xpath, digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256', transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'] });
  sig.computeSignature(xml, { location: { reference: issuerXpath, action: 'after' } });
  return sig.getSignedXml();
}

export function buildSamlResponse(o: Pick<SamlIdpOptions, 'entityId' | 'key' | 'cert' | 'rogueKey' | 'rogueCert'>, s: ResponseShape): string {
  const now = Date.now();
  const issuer = s.issuer ?? o.entityId;
  const status = s.status ?? 'Success';
  const irt = s.inResponseTo ? ` InResponseTo="${esc(s.inResponseTo)}"` : '';
  const statusXml =
    status === 'Success'
      ? `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>`
      : `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:${status}"/></samlp:StatusCode><samlp:StatusMessage>Authentication failed</samlp:StatusMessage></samlp:Status>`;
  const destination = s.destination ?? s.acsUrl;
  let assertion = '';
  if (status === 'Success') {
    const until = iso(now + (s.validForMs ?? 5 * 60_000));
    const attrs = Object.entries(s.user.attributes)
      .map(([name, v]) => `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${(Array.isArray(v) ? v : [v]).map((x) => `<saml:AttributeValue>${esc(x)}</saml:AttributeValue>`).join('')}</saml:Attribute>`)
      .join('');
    assertion =
      `<saml:Assertion xmlns:saml="${ASSERTION}" ID="${s.assertionId ?? newId()}" Version="2.0" IssueInstant="${iso(now)}">` +
      `<saml:Issuer>${esc(issuer)}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="${esc(s.user.nameIdFormat ?? 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent')}">${s.user.nameId.includes('<!--') ? s.user.nameId : esc(s.user.nameId)}</saml:NameID>` +
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData${irt} NotOnOrAfter="${until}" Recipient="${esc(s.recipient ?? s.acsUrl)}"/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${iso(now - 60_000)}" NotOnOrAfter="${until}"><saml:AudienceRestriction><saml:Audience>${esc(s.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${newId()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
      (attrs ? `<saml:AttributeStatement>${attrs}</saml:AttributeStatement>` : '') +
      `</saml:Assertion>`;
  }
  let xml =
    `<samlp:Response xmlns:samlp="${PROTOCOL}" xmlns:saml="${ASSERTION}" ID="${newId()}" Version="2.0" IssueInstant="${iso(now)}" Destination="${esc(destination)}"${irt}>` +
    `<saml:Issuer>${esc(issuer)}</saml:Issuer>${statusXml}${assertion}</samlp:Response>`;
  const [key, cert] = s.rogue ? [o.rogueKey, o.rogueCert] : [o.key, o.cert];
  const mode = status === 'Success' ? (s.sign ?? 'assertion') : 'none';
  if (mode === 'assertion' || mode === 'both') xml = sign(xml, "//*[local-name(.)='Assertion']", "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", key, cert);
  if (mode === 'response' || mode === 'both') xml = sign(xml, "/*[local-name(.)='Response']", "/*[local-name(.)='Response']/*[local-name(.)='Issuer']", key, cert);
  return xml;
}

/**
 * XML signature wrapping: keeps the IdP's signed assertion but makes a forged, unsigned one the
 * assertion a naive SP would read.
 * - `nested`: the forged assertion is the Response's only assertion; the signed original sits inside it (in an Advice element).
 * - `sibling`: the forged assertion is added next to the signed one.
 * - `extensions`: the signed original moves into samlp:Extensions; the forged one carries a copy of its Signature.
 */
export function wrapSignature(signedResponseXml: string, forgedNameId: string, variant: 'nested' | 'sibling' | 'extensions'): string {
  const doc = new DOMParser().parseFromString(signedResponseXml, 'text/xml');
  const response = doc.documentElement!;
  const original = doc.getElementsByTagNameNS(ASSERTION, 'Assertion')[0]!;
  const forged = original.cloneNode(true) as Element;
  forged.setAttribute('ID', newId());
  (forged.getElementsByTagNameNS(ASSERTION, 'NameID')[0]!.firstChild as unknown as { data: string }).data = forgedNameId;
  const forgedSig = Array.from(forged.childNodes).find((n) => (n as Element).localName === 'Signature') as Element | undefined;
  if (variant === 'nested') {
    if (forgedSig) forged.removeChild(forgedSig);
    const advice = doc.createElementNS(ASSERTION, 'saml:Advice');
    response.removeChild(original);
    advice.appendChild(original);
    forged.insertBefore(advice, forged.getElementsByTagNameNS(ASSERTION, 'Conditions')[0]!.nextSibling);
    response.appendChild(forged);
  } else if (variant === 'sibling') {
    if (forgedSig) forged.removeChild(forgedSig);
    response.insertBefore(forged, original);
  } else {
    const ext = doc.createElementNS(PROTOCOL, 'samlp:Extensions');
    response.removeChild(original);
    ext.appendChild(original);
    response.insertBefore(ext, response.getElementsByTagNameNS(PROTOCOL, 'Status')[0]!);
    response.appendChild(forged);
  }
  return new XMLSerializer().serializeToString(doc);
}

export async function startSamlIdp(opts: SamlIdpOptions) {
  const state = { nextLogin: undefined as string | undefined, nextResponse: undefined as Partial<ResponseShape> | undefined };
  const responses: string[] = [];
  const authnRequests: Array<{ id: string; issuer: string; acsUrl: string | null; signed: boolean }> = [];

  function sso(req: FakeRequest): FakeResponse {
    const q = req.url.searchParams;
    const raw = q.get('SAMLRequest');
    if (!raw) return html(400, 'missing SAMLRequest');
    let request: Element;
    try {
      request = new DOMParser().parseFromString(inflateRawSync(Buffer.from(raw, 'base64')).toString('utf8'), 'text/xml').documentElement!;
    } catch {
      return html(400, 'bad SAMLRequest');
    }
    const issuer = request.getElementsByTagNameNS(ASSERTION, 'Issuer')[0]?.textContent ?? '';
    const sp = opts.sps.find((s) => s.entityId === issuer);
    if (!sp) return html(400, `unknown service provider ${esc(issuer)}`);
    const acs = request.getAttribute('AssertionConsumerServiceURL');
    if (acs && acs !== sp.acsUrl) return html(400, 'AssertionConsumerServiceURL is not registered for this SP');
    if (request.getAttribute('Destination') !== `${opts.baseUrl}/sso`) return html(400, 'Destination is not this SSO endpoint');
    const signed = q.has('Signature');
    if (sp.certificate) {
      // Bindings §3.4.4.1: the signature covers the raw query parameters in this order.
      const rawParams = new Map(req.url.search.slice(1).split('&').map((p) => [p.split('=')[0]!, p] as const));
      const signedPart = ['SAMLRequest', 'RelayState', 'SigAlg'].filter((k) => rawParams.has(k)).map((k) => rawParams.get(k)).join('&');
      const ok = signed && q.get('SigAlg') === 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256' && createVerify('RSA-SHA256').update(signedPart).verify(sp.certificate, q.get('Signature')!, 'base64');
      if (!ok) return html(400, 'AuthnRequest signature missing or invalid');
    }
    const id = request.getAttribute('ID') ?? '';
    authnRequests.push({ id, issuer, acsUrl: acs, signed });
    const login = state.nextLogin;
    state.nextLogin = undefined;
    const shape = state.nextResponse ?? {};
    state.nextResponse = undefined;
    const user = opts.users.find((u) => u.nameId === login) ?? opts.users[0]!;
    const xml = buildSamlResponse(opts, { user, acsUrl: sp.acsUrl, audience: sp.entityId, inResponseTo: id, ...(login === 'deny' ? { status: 'AuthnFailed' as const } : {}), ...shape });
    const b64 = Buffer.from(xml).toString('base64');
    responses.push(b64);
    return autoPostForm(sp.acsUrl, { SAMLResponse: b64, ...(q.get('RelayState') ? { RelayState: q.get('RelayState')! } : {}) });
  }

  const http = await startHttpFake((req) => {
    if (req.method === 'GET' && req.url.pathname === '/metadata') return { status: 200, body: idpMetadataXml(opts), headers: { 'content-type': 'application/samlmetadata+xml' } };
    if (req.method === 'GET' && req.url.pathname === '/sso') return sso(req);
    return html(404, 'not found');
  });
  return {
    origin: http.origin,
    overrides: { [new URL(opts.baseUrl).origin]: http.origin } as Record<string, string>,
    metadataUrl: `${opts.baseUrl}/metadata`,
    metadataXml: () => idpMetadataXml(opts),
    /** Base64 SAMLResponses sent, newest last. */
    responses,
    authnRequests,
    requests: http.requests,
    set nextLogin(v: string | undefined) {
      state.nextLogin = v;
    },
    /** Changes to the next response (sign mode, key, audience, times, bindings, status). */
    set nextResponse(v: Partial<ResponseShape> | undefined) {
      state.nextResponse = v;
    },
    build: (shape: ResponseShape) => buildSamlResponse(opts, shape),
    failNext: http.failNext,
    hangNext: http.hangNext,
    close: http.close,
  };
}
export type SamlIdp = Awaited<ReturnType<typeof startSamlIdp>>;
