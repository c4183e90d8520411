import { inflateRawSync } from 'node:zlib';
import type { Element } from '@xmldom/xmldom';
import { AppError } from '../../errors/app-error.js';
import { BINDING, type StoredSamlConfig } from './config.js';
import { verifyEnvelopedSignature, verifyRedirectSignature } from './signing.js';
import { boolAttr, child, children, MAX_MESSAGE_BYTES, NS, parseUntrustedXml, text } from './xml.js';

/**
 * Messages from service providers (AuthnRequest, LogoutRequest, LogoutResponse) over the
 * HTTP-Redirect and HTTP-POST bindings (SAML Bindings §3.4, §3.5).
 *
 * What this trusts and what it does not:
 *  - nothing in a message chooses where an answer goes: the ACS and SLO addresses come from the
 *    application's registered configuration; a requested ACS URL or index only selects among
 *    those (samlify#634 showed why a request's signature must not decide this);
 *  - a signature is checked with the certificate registered for the service provider, never one
 *    carried in the message; with POST, only the signed bytes are parsed afterwards;
 *  - the parser refuses DTDs and entities, and sizes are bounded before and after inflation.
 */
export type Binding = 'redirect' | 'post';
export interface Incoming {
  binding: Binding;
  /** The base64 value of SAMLRequest / SAMLResponse. */
  message: string | undefined;
  relayState?: string | undefined;
  /** Redirect binding: the raw query string (for the signature over the exact octets). */
  rawQuery?: string;
}

export interface ReadMessage {
  root: Element;
  id: string;
  issuer: string;
  destination: string | null;
  issueInstant: Date;
  signed: boolean;
}

const MAX_RELAY_STATE = 80; // SAML Bindings §3.4.3: RelayState MUST NOT exceed 80 bytes
const SKEW_MS = 5 * 60_000;
const MAX_AGE_MS = 15 * 60_000;
const malformed = (reason: string) => new AppError('saml.request_malformed', { params: { reason } });

function decode(binding: Binding, value: string | undefined): Buffer {
  if (!value) throw new AppError('saml.request_missing');
  if (value.length > (MAX_MESSAGE_BYTES * 4) / 3 + 8) throw new AppError('saml.request_too_large');
  const compact = value.replace(/[\r\n ]/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(compact)) throw malformed('not base64');
  const raw = Buffer.from(compact, 'base64');
  if (binding === 'post') return raw;
  // HTTP-Redirect: DEFLATE (RFC 1951) without zlib header (SAML Bindings §3.4.4.1); the output is bounded (no zip bombs).
  try {
    return inflateRawSync(raw, { maxOutputLength: MAX_MESSAGE_BYTES });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new AppError('saml.request_too_large');
    throw malformed('not DEFLATE-compressed');
  }
}

/** Decodes, parses and authenticates one message of `kind` from the service provider `cfg`. */
export function readMessage(kind: 'AuthnRequest' | 'LogoutRequest' | 'LogoutResponse', input: Incoming, cfg: StoredSamlConfig, expectedDestinations: readonly string[], now = new Date()): ReadMessage {
  if (input.relayState !== undefined && Buffer.byteLength(input.relayState) > MAX_RELAY_STATE) throw malformed('RelayState is longer than 80 bytes');
  const bytes = decode(input.binding, input.message);
  const doc = parseUntrustedXml(bytes);
  let root = doc.documentElement!;
  if (root.namespaceURI !== NS.protocol || root.localName !== kind) throw malformed(`expected ${kind}`);
  const id = root.getAttribute('ID') ?? '';
  if (!/^[A-Za-z_][\w.-]{0,255}$/.test(id)) throw malformed('ID is missing or not an xs:ID');

  // Authenticate before reading anything else.
  let signed = false;
  const param = kind === 'LogoutResponse' ? 'SAMLResponse' : 'SAMLRequest';
  if (input.binding === 'redirect') {
    const hasSig = /(^|&)Signature=/.test(input.rawQuery ?? '');
    if (hasSig && cfg.spCertificate) {
      if (!verifyRedirectSignature(input.rawQuery ?? '', param, cfg.spCertificate)) throw new AppError('saml.signature_invalid');
      signed = true;
    }
    // An XML signature inside a Redirect message is not part of the binding (§3.4.4.1): it is not looked at.
  } else {
    const sigs = children(root, NS.dsig, 'Signature');
    if (sigs.length > 1) throw new AppError('saml.signature_invalid');
    if (sigs.length === 1 && cfg.spCertificate) {
      const signedXml = verifyEnvelopedSignature(bytes.toString('utf8'), sigs[0]!.toString(), id, cfg.spCertificate);
      root = parseUntrustedXml(signedXml).documentElement!;
      if (root.namespaceURI !== NS.protocol || root.localName !== kind || root.getAttribute('ID') !== id) throw new AppError('saml.signature_invalid');
      signed = true;
    }
  }
  if (cfg.requireSignedRequests && !signed && kind !== 'LogoutResponse') throw new AppError('saml.signature_invalid');

  if (root.getAttribute('Version') !== '2.0') throw malformed('Version must be 2.0');
  const issuerEl = child(root, NS.assertion, 'Issuer');
  const issuer = text(issuerEl);
  const issuerFormat = issuerEl?.getAttribute('Format');
  if (issuerFormat && issuerFormat !== 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity') throw new AppError('saml.unknown_issuer');
  if (issuer !== cfg.spEntityId) throw new AppError('saml.unknown_issuer');

  // SAML Bindings §3.4.5.2 / §3.5.5.2: a signed message must name its destination; any named one must be us.
  const destination = root.getAttribute('Destination') || null;
  if (destination !== null && !expectedDestinations.includes(destination)) throw new AppError('saml.destination_mismatch');
  if (destination === null && signed) throw new AppError('saml.destination_mismatch');

  const instant = new Date(root.getAttribute('IssueInstant') ?? '');
  if (Number.isNaN(instant.getTime())) throw malformed('IssueInstant is missing');
  if (instant.getTime() > now.getTime() + SKEW_MS || instant.getTime() < now.getTime() - MAX_AGE_MS) throw new AppError('saml.request_expired');

  return { root, id, issuer, destination, issueInstant: instant, signed };
}

export interface AuthnRequestFields {
  acsUrl?: string;
  acsIndex?: number;
  forceAuthn: boolean;
  isPassive: boolean;
  nameIdFormat?: string;
  allowCreate: boolean;
  requestedAuthnContext: { comparison: string; classRefs: string[] } | null;
}

/** The AuthnRequest fields this IdP acts on (SAML Core §3.4.1). */
export function authnRequestFields(m: ReadMessage): AuthnRequestFields {
  const r = m.root;
  const acsUrl = r.getAttribute('AssertionConsumerServiceURL') || undefined;
  const idx = r.getAttribute('AssertionConsumerServiceIndex');
  if (acsUrl !== undefined && idx) throw malformed('AssertionConsumerServiceURL and AssertionConsumerServiceIndex are exclusive');
  const binding = r.getAttribute('ProtocolBinding');
  if (binding && binding !== BINDING.post) throw new AppError('saml.unsupported_binding', { params: { binding: binding.split(':').pop() ?? binding } });
  if (idx !== null && idx !== '' && !/^\d{1,5}$/.test(idx)) throw malformed('AssertionConsumerServiceIndex is not a number');
  const policy = child(r, NS.protocol, 'NameIDPolicy');
  const rac = child(r, NS.protocol, 'RequestedAuthnContext');
  return {
    ...(acsUrl !== undefined ? { acsUrl } : {}),
    ...(idx ? { acsIndex: Number(idx) } : {}),
    forceAuthn: boolAttr(r, 'ForceAuthn'),
    isPassive: boolAttr(r, 'IsPassive'),
    ...(policy?.getAttribute('Format') ? { nameIdFormat: policy.getAttribute('Format')! } : {}),
    allowCreate: policy ? boolAttr(policy, 'AllowCreate') : false,
    requestedAuthnContext: rac ? { comparison: rac.getAttribute('Comparison') || 'exact', classRefs: children(rac, NS.assertion, 'AuthnContextClassRef').map((e) => text(e)) } : null,
  };
}

/** The LogoutRequest fields (SAML Core §3.7.1): whom the SP says is leaving, and its session indexes. */
export function logoutRequestFields(m: ReadMessage): { nameId: string; sessionIndexes: string[] } {
  return { nameId: text(child(m.root, NS.assertion, 'NameID')), sessionIndexes: children(m.root, NS.protocol, 'SessionIndex').map((e) => text(e)) };
}

/** The LogoutResponse fields: which request it answers and whether the SP succeeded. */
export function logoutResponseFields(m: ReadMessage): { inResponseTo: string; success: boolean } {
  const status = child(m.root, NS.protocol, 'Status');
  const code = status ? child(status, NS.protocol, 'StatusCode')?.getAttribute('Value') : undefined;
  return { inResponseTo: m.root.getAttribute('InResponseTo') ?? '', success: code === 'urn:oasis:names:tc:SAML:2.0:status:Success' };
}
