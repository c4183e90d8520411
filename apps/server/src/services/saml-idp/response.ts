import { createHmac, createPublicKey, randomBytes } from 'node:crypto';
import xmlenc from 'xml-encryption';
import { NAMEID_FORMATS, type StoredSamlConfig } from './config.js';
import type { SigningKey } from './keys.js';
import { signElement, signTree } from './signing.js';
import { NS, xmlSafe } from './xml.js';
import { el, serialize, type XmlElement } from './xml-tree.js';

/**
 * The SAML Response of the Web Browser SSO profile (SAML Profiles §4.1.4.2, Core §2.3.3, §3.3.3).
 * Everything comes from the registered configuration and the authenticated user; from the
 * request only its ID (InResponseTo) is echoed.
 */
export const STATUS = {
  success: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  requester: 'urn:oasis:names:tc:SAML:2.0:status:Requester',
  responder: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
  noPassive: 'urn:oasis:names:tc:SAML:2.0:status:NoPassive',
  authnFailed: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed',
  requestDenied: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
  noAuthnContext: 'urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext',
  invalidNameIdPolicy: 'urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy',
  partialLogout: 'urn:oasis:names:tc:SAML:2.0:status:PartialLogout',
} as const;

/** AuthnContextClassRef from what happened (the `amr` of the sign-in, RFC 8176). */
export const AUTHN_CONTEXT = {
  passwordProtectedTransport: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
  password: 'urn:oasis:names:tc:SAML:2.0:ac:classes:Password',
  unspecified: 'urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified',
  /** REFEDS MFA Authentication Context Profile: a second factor was used. */
  mfa: 'https://refeds.org/profile/mfa',
} as const;
/** Classes a service provider may request that mean "a second factor" (REFEDS, Microsoft's Entra ID name, SAML's two-factor contracts). */
export const MFA_CLASSES = new Set<string>([AUTHN_CONTEXT.mfa, 'http://schemas.microsoft.com/claims/multipleauthn', 'urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract', 'urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorUnregistered', 'urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken']);

export function authnContextOf(amr: readonly string[], acr: string | undefined, https: boolean): string {
  if (amr.includes('mfa') || (acr !== undefined && /multi-factor|mfa/i.test(acr))) return AUTHN_CONTEXT.mfa;
  if (amr.includes('pwd')) return https ? AUTHN_CONTEXT.passwordProtectedTransport : AUTHN_CONTEXT.password;
  return AUTHN_CONTEXT.unspecified;
}

export const newId = () => `_${randomBytes(20).toString('hex')}`;
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** How long an assertion may be presented (SubjectConfirmationData and Conditions NotOnOrAfter). */
export const ASSERTION_TTL_MS = 5 * 60_000;
/** Clock skew allowance before the issue instant (Conditions NotBefore). */
export const NOT_BEFORE_SKEW_MS = 60_000;

export interface AssertionInput {
  idpEntityId: string;
  cfg: StoredSamlConfig;
  acsUrl: string;
  inResponseTo: string | null;
  user: { id: string; claims: Record<string, unknown> };
  authTime: number;
  amr: string[];
  acr?: string | undefined;
  sessionIndex: string;
  /** Transient NameID of this session, when the format is transient. */
  transientId?: string;
  https: boolean;
  key: SigningKey;
  now?: Date;
}

/** The NameID value for a user and service provider; undefined when the source has no value. */
export function nameIdOf(cfg: StoredSamlConfig, user: { id: string; claims: Record<string, unknown> }, transientId: string | undefined, pairwiseKey: string): string | undefined {
  if (cfg.nameIdFormat === NAMEID_FORMATS.transient) return transientId;
  const v = cfg.nameIdSource === 'email' ? user.claims.email : cfg.nameIdSource === 'username' ? user.claims.username : user.id;
  if (typeof v !== 'string' || v === '' || !xmlSafe(v)) return undefined;
  // Persistent identifiers of the user id are pairwise (SAML Core §8.3.7: "not shared with other
  // providers"): an HMAC of the id and the SP entity ID, so two service providers cannot correlate users.
  if (cfg.nameIdFormat === NAMEID_FORMATS.persistent && cfg.nameIdSource === 'id') return createHmac('sha256', pairwiseKey).update(`${cfg.spEntityId}\n${v}`).digest('base64url');
  return v;
}

function attributeValues(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap(attributeValues);
  if (typeof v === 'object') return [JSON.stringify(v)];
  return [String(v)];
}

function attributeStatement(cfg: StoredSamlConfig, user: AssertionInput['user']): XmlElement | undefined {
  const parts: XmlElement[] = [];
  for (const [name, source] of Object.entries(cfg.attributeMappings)) {
    const raw = source === 'id' ? user.id : user.claims[source];
    const values = attributeValues(raw).filter(xmlSafe);
    if (values.length === 0) continue;
    parts.push(el('saml:Attribute', [['Name', name], ['NameFormat', 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic']], values.map((v) => el('saml:AttributeValue', [['xsi:type', 'xs:string']], [v]))));
  }
  return parts.length ? el('saml:AttributeStatement', [], parts) : undefined;
}

/**
 * A signed (and, when configured, encrypted) assertion: the element to embed in a Response, or
 * the `<saml:EncryptedAssertion>` XML when it is encrypted.
 */
export async function buildAssertion(a: AssertionInput & { nameId: string }): Promise<XmlElement | string> {
  const now = a.now ?? new Date();
  const notOnOrAfter = iso(new Date(now.getTime() + ASSERTION_TTL_MS));
  const spQualifier: Array<[string, string]> = a.cfg.nameIdFormat === NAMEID_FORMATS.persistent || a.cfg.nameIdFormat === NAMEID_FORMATS.transient ? [['NameQualifier', a.idpEntityId], ['SPNameQualifier', a.cfg.spEntityId]] : [];
  const attributes = attributeStatement(a.cfg, a.user);
  let assertion = el(
    'saml:Assertion',
    [['ID', newId()], ['Version', '2.0'], ['IssueInstant', iso(now)]],
    [
      el('saml:Issuer', [], [a.idpEntityId]),
      el('saml:Subject', [], [
        el('saml:NameID', [['Format', a.cfg.nameIdFormat], ...spQualifier], [a.nameId]),
        el('saml:SubjectConfirmation', [['Method', 'urn:oasis:names:tc:SAML:2.0:cm:bearer']], [
          el('saml:SubjectConfirmationData', [['NotOnOrAfter', notOnOrAfter], ['Recipient', a.acsUrl], ...(a.inResponseTo ? [['InResponseTo', a.inResponseTo] as [string, string]] : [])]),
        ]),
      ]),
      el('saml:Conditions', [['NotBefore', iso(new Date(now.getTime() - NOT_BEFORE_SKEW_MS))], ['NotOnOrAfter', notOnOrAfter]], [el('saml:AudienceRestriction', [], [el('saml:Audience', [], [a.cfg.spEntityId])])]),
      el('saml:AuthnStatement', [['AuthnInstant', iso(new Date(a.authTime * 1000))], ['SessionIndex', a.sessionIndex]], [el('saml:AuthnContext', [], [el('saml:AuthnContextClassRef', [], [authnContextOf(a.amr, a.acr, a.https)])])]),
      ...(attributes ? [attributes] : []),
    ],
    [['saml', NS.assertion], ['xs', 'http://www.w3.org/2001/XMLSchema'], ['xsi', 'http://www.w3.org/2001/XMLSchema-instance']],
  );
  if (a.cfg.signAssertion) assertion = signTree(assertion, a.key, a.cfg.signatureAlgorithm);
  if (a.cfg.encryptAssertion) return `<saml:EncryptedAssertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${await encryptXml(serialize(assertion), (a.cfg.spEncryptionCertificate ?? a.cfg.spCertificate)!)}</saml:EncryptedAssertion>`;
  return assertion;
}

/**
 * XML Encryption of the assertion for the service provider's certificate: AES-256-GCM content
 * encryption (XML Encryption 1.1 §5.2.4; CBC modes have padding-oracle attacks) with the key
 * wrapped by RSA-OAEP.
 */
function encryptXml(content: string, certificatePem: string): Promise<string> {
  return new Promise((resolve, reject) => {
    xmlenc.encrypt(
      content,
      {
        rsa_pub: createPublicKey(certificatePem).export({ type: 'spki', format: 'pem' }) as string,
        pem: certificatePem,
        encryptionAlgorithm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
        keyEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
        disallowEncryptionWithInsecureAlgorithm: true,
        warnInsecureAlgorithm: false,
      },
      (err: Error | null, result?: string) => (err || !result ? reject(err ?? new Error('encryption failed')) : resolve(result)),
    );
  });
}

type ResponseInput = { idpEntityId: string; cfg: StoredSamlConfig; acsUrl: string; inResponseTo: string | null; status: string; subStatus?: string; assertion?: XmlElement | string; key: SigningKey; now?: Date };

/** The unsigned Response element (an assertion given as a string is left out: buildResponse places it). */
export function responseElement(r: ResponseInput): XmlElement {
  const now = r.now ?? new Date();
  const code = el('samlp:StatusCode', [['Value', r.status]], r.subStatus ? [el('samlp:StatusCode', [['Value', r.subStatus]])] : []);
  return el(
    'samlp:Response',
    [['ID', newId()], ['Version', '2.0'], ['IssueInstant', iso(now)], ['Destination', r.acsUrl], ...(r.inResponseTo ? [['InResponseTo', r.inResponseTo] as [string, string]] : [])],
    [el('saml:Issuer', [], [r.idpEntityId]), el('samlp:Status', [], [code]), ...(r.assertion && typeof r.assertion !== 'string' ? [r.assertion] : [])],
    [['samlp', NS.protocol], ['saml', NS.assertion]],
  );
}

/**
 * A Response around an assertion (or a status without one), signed when configured. An
 * encrypted assertion (XML we did not build as a tree) takes the xml-crypto path.
 */
export function buildResponse(r: ResponseInput): string {
  const response = responseElement(r);
  // A response without an assertion is still signed when signResponse is on; errors carry no user data.
  const sign = r.cfg.signResponse || !r.assertion;
  if (typeof r.assertion !== 'string') return serialize(sign ? signTree(response, r.key, r.cfg.signatureAlgorithm) : response);
  const head = serialize(response);
  const xml = `${head.slice(0, -'</samlp:Response>'.length)}${r.assertion}</samlp:Response>`;
  return sign ? signElement(xml, 'Response', r.key, r.cfg.signatureAlgorithm) : xml;
}
