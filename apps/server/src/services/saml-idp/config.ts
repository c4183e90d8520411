import { AppError } from '../../errors/app-error.js';
import { parseCertificate } from '../../utils/x509.js';
import { checkDeliveryUrl } from '../sso-protocols/urls.js';
import type { ImportedSpMetadata } from './sp-metadata.js';

/**
 * An application's SAML service-provider settings (`samlConfig` of the vendor's create/update
 * application), validated and normalised. Stored in the application's settings JSON.
 */
export const BINDING = {
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
} as const;

export const NAMEID_FORMATS = {
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  emailAddress: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
} as const;
export type NameIdFormat = (typeof NAMEID_FORMATS)[keyof typeof NAMEID_FORMATS];

export const SIGNATURE_ALGORITHMS = {
  'rsa-sha256': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'rsa-sha512': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
} as const;
export const DIGEST_OF: Record<string, string> = {
  [SIGNATURE_ALGORITHMS['rsa-sha256']]: 'http://www.w3.org/2001/04/xmlenc#sha256',
  [SIGNATURE_ALGORITHMS['rsa-sha512']]: 'http://www.w3.org/2001/04/xmlenc#sha512',
};

/** Where attribute values come from: the OIDC claim names of the user (docs/saml.md), plus `id`. */
export const ATTRIBUTE_SOURCES = [
  'id',
  'sub',
  'username',
  'email',
  'email_verified',
  'phone_number',
  'phone_number_verified',
  'name',
  'given_name',
  'family_name',
  'middle_name',
  'nickname',
  'preferred_username',
  'picture',
  'profile',
  'website',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'external_id',
  'roles',
  'updated_at',
] as const;
export const DEFAULT_ATTRIBUTES: Record<string, string> = { email: 'email', name: 'name', username: 'username', given_name: 'given_name', family_name: 'family_name' };

export interface AcsUrl {
  url: string;
  binding: typeof BINDING.post;
  index?: number;
  isDefault?: boolean;
}

export interface StoredSamlConfig {
  spEntityId: string;
  acsUrls: AcsUrl[];
  sloUrl?: string;
  sloBinding?: typeof BINDING.redirect | typeof BINDING.post;
  nameIdFormat: NameIdFormat;
  nameIdSource: 'id' | 'email' | 'username';
  attributeMappings: Record<string, string>;
  signatureAlgorithm: string;
  signResponse: boolean;
  signAssertion: boolean;
  encryptAssertion: boolean;
  /** PEM: verifies the service provider's signed requests (and encrypts, unless an encryption certificate is set). */
  spCertificate?: string;
  spEncryptionCertificate?: string;
  spMetadataUrl?: string;
  /** Refuse AuthnRequests and LogoutRequests that are not signed (metadata `AuthnRequestsSigned`). */
  requireSignedRequests: boolean;
  allowIdpInitiated: boolean;
}

const bad = (field: string, reason: string) => new AppError('saml.invalid_config', { params: { field, reason } });
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const present = (v: unknown) => v !== undefined && v !== null;

const INPUT_FIELDS = new Set([
  'spEntityId',
  'acsUrls',
  'sloUrl',
  'sloBinding',
  'nameIdFormat',
  'nameIdSource',
  'attributeMappings',
  'signatureAlgorithm',
  'signResponse',
  'signAssertion',
  'encryptAssertion',
  'spCertificate',
  'spEncryptionCertificate',
  'spMetadataXml',
  'spMetadataUrl',
  'requireSignedRequests',
  'allowIdpInitiated',
]);

function binding(v: unknown, field: string, allowed: readonly string[]): string {
  if (typeof v !== 'string') throw bad(field, 'must be a binding name');
  const full = v.startsWith('urn:') ? v : `urn:oasis:names:tc:SAML:2.0:bindings:${v}`;
  if (!allowed.includes(full)) throw bad(field, `must be one of ${allowed.map((b) => b.split(':').pop()).join(', ')}`);
  return full;
}

function url(v: unknown, field: string): string {
  const r = checkDeliveryUrl(v);
  if ('reason' in r) throw bad(field, r.reason);
  return v as string;
}

function certificate(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw bad(field, 'must be an X.509 certificate (PEM or base64)');
  const c = parseCertificate(v);
  if (!c) throw bad(field, 'is not an X.509 certificate (PEM or base64)');
  if (c.publicKey.asymmetricKeyType !== 'rsa') throw bad(field, 'must hold an RSA key');
  return c.toString();
}

function bool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw bad(field, 'must be true or false');
  return v;
}

function nameIdFormat(v: unknown): NameIdFormat {
  if (typeof v !== 'string') throw bad('nameIdFormat', 'must be a NameID format');
  const short = (NAMEID_FORMATS as Record<string, NameIdFormat>)[v];
  if (short) return short;
  if ((Object.values(NAMEID_FORMATS) as string[]).includes(v)) return v as NameIdFormat;
  throw bad('nameIdFormat', `must be one of ${Object.keys(NAMEID_FORMATS).join(', ')} (or their URNs)`);
}

function acsUrls(v: unknown): AcsUrl[] {
  if (!Array.isArray(v) || v.length === 0) throw bad('acsUrls', 'must list at least one { url, binding }');
  if (v.length > 20) throw bad('acsUrls', 'may list at most 20 addresses');
  const out: AcsUrl[] = [];
  v.forEach((item, i) => {
    const f = `acsUrls[${i}]`;
    const o = typeof item === 'string' ? { url: item } : item;
    if (!isObj(o)) throw bad(f, 'must be { url, binding }');
    // Responses go by HTTP-POST only: the Web SSO profile forbids HTTP-Redirect for them (SAML Profiles §4.1.2) and Artifact is not offered.
    const b = binding(o.binding ?? 'HTTP-POST', `${f}.binding`, [BINDING.post]) as typeof BINDING.post;
    const entry: AcsUrl = { url: url(o.url, `${f}.url`), binding: b };
    if (present(o.index)) {
      if (!Number.isInteger(o.index) || (o.index as number) < 0 || (o.index as number) > 65535) throw bad(`${f}.index`, 'must be an integer 0–65535');
      if (out.some((a) => a.index === o.index)) throw bad(`${f}.index`, 'is used twice');
      entry.index = o.index as number;
    }
    if (o.isDefault === true) entry.isDefault = true;
    out.push(entry);
  });
  return out;
}

function attributeMappings(v: unknown): Record<string, string> {
  // Accepted as { "<SAML attribute name>": "<source>" } or [{ name, source }].
  const pairs: [string, unknown][] = Array.isArray(v) ? v.map((e, i) => (isObj(e) ? [String(e.name ?? ''), e.source ?? e.value] : [`#${i}`, undefined])) : isObj(v) ? Object.entries(v) : [];
  if (!Array.isArray(v) && !isObj(v)) throw bad('attributeMappings', 'must map attribute names to user fields');
  if (pairs.length > 50) throw bad('attributeMappings', 'may map at most 50 attributes');
  const out: Record<string, string> = {};
  for (const [name, source] of pairs) {
    if (!name || name.length > 256 || /[\u0000-\u001f<>&"]/.test(name)) throw bad('attributeMappings', `attribute name ${JSON.stringify(name)} is not allowed`);
    if (typeof source !== 'string' || !(ATTRIBUTE_SOURCES as readonly string[]).includes(source)) throw bad(`attributeMappings.${name}`, `must be one of ${ATTRIBUTE_SOURCES.join(', ')}`);
    out[name] = source;
  }
  return out;
}

/**
 * Merges `input` (the caller's `samlConfig`, partial on update) over what metadata import found
 * and over the stored config, then validates the whole. Explicit fields win over imported ones.
 */
export function resolveSamlConfig(input: unknown, prev: StoredSamlConfig | undefined, imported: ImportedSpMetadata | undefined): StoredSamlConfig {
  if (!isObj(input)) throw bad('samlConfig', 'must be an object');
  for (const k of Object.keys(input)) if (!INPUT_FIELDS.has(k)) throw bad(k, 'is not a samlConfig field');
  if (present(input.spMetadataXml) && present(input.spMetadataUrl)) throw bad('spMetadataXml', 'give spMetadataXml or spMetadataUrl, not both');

  const base: Partial<StoredSamlConfig> = { ...prev };
  if (imported) {
    // A fresh import replaces what the previous metadata said about the SP.
    base.spEntityId = imported.entityId;
    base.acsUrls = imported.acsUrls;
    if (imported.sloUrl) {
      base.sloUrl = imported.sloUrl;
      base.sloBinding = imported.sloBinding!;
    } else {
      delete base.sloUrl;
      delete base.sloBinding;
    }
    if (imported.signingCertificate) base.spCertificate = imported.signingCertificate;
    if (imported.encryptionCertificate) base.spEncryptionCertificate = imported.encryptionCertificate;
    if (imported.nameIdFormat) {
      base.nameIdFormat = imported.nameIdFormat;
      if (imported.nameIdFormat === NAMEID_FORMATS.emailAddress) base.nameIdSource = 'email';
    }
    base.requireSignedRequests = imported.authnRequestsSigned;
    if (imported.wantAssertionsSigned) base.signAssertion = true;
  }

  const c: StoredSamlConfig = {
    spEntityId: '',
    acsUrls: [],
    nameIdFormat: NAMEID_FORMATS.persistent,
    nameIdSource: 'id',
    attributeMappings: { ...DEFAULT_ATTRIBUTES },
    signatureAlgorithm: SIGNATURE_ALGORITHMS['rsa-sha256'],
    signResponse: true,
    signAssertion: true,
    encryptAssertion: false,
    requireSignedRequests: false,
    allowIdpInitiated: false,
    ...base,
  };

  if (present(input.spEntityId)) {
    if (typeof input.spEntityId !== 'string' || input.spEntityId.trim() === '' || input.spEntityId.length > 1024) throw bad('spEntityId', 'must be the service provider entity ID (1–1024 characters)');
    c.spEntityId = input.spEntityId.trim();
  }
  if (present(input.acsUrls)) c.acsUrls = acsUrls(input.acsUrls);
  if (input.sloUrl !== undefined) {
    if (input.sloUrl === null || input.sloUrl === '') {
      delete c.sloUrl;
      delete c.sloBinding;
    } else c.sloUrl = url(input.sloUrl, 'sloUrl');
  }
  if (present(input.sloBinding)) c.sloBinding = binding(input.sloBinding, 'sloBinding', [BINDING.redirect, BINDING.post]) as StoredSamlConfig['sloBinding'];
  if (c.sloUrl && !c.sloBinding) c.sloBinding = BINDING.redirect;
  if (present(input.nameIdFormat)) c.nameIdFormat = nameIdFormat(input.nameIdFormat);
  if (present(input.nameIdSource)) {
    if (!['id', 'email', 'username'].includes(input.nameIdSource as string)) throw bad('nameIdSource', 'must be id, email or username');
    c.nameIdSource = input.nameIdSource as StoredSamlConfig['nameIdSource'];
    // The emailAddress format says what the value is: keep them consistent when only the source is given.
    if (!present(input.nameIdFormat) && c.nameIdSource === 'email' && c.nameIdFormat === NAMEID_FORMATS.persistent) c.nameIdFormat = NAMEID_FORMATS.emailAddress;
  }
  if (present(input.attributeMappings)) c.attributeMappings = attributeMappings(input.attributeMappings);
  if (present(input.signatureAlgorithm)) {
    const v = input.signatureAlgorithm as string;
    const full = (SIGNATURE_ALGORITHMS as Record<string, string>)[v] ?? v;
    // RSA-SHA1 is refused: SHA-1 collisions are practical (SAML Security Considerations, xmldsig-core1 §6.4).
    if (!Object.values(SIGNATURE_ALGORITHMS).includes(full as never)) throw bad('signatureAlgorithm', `must be one of ${Object.keys(SIGNATURE_ALGORITHMS).join(', ')}`);
    c.signatureAlgorithm = full;
  }
  for (const k of ['signResponse', 'signAssertion', 'encryptAssertion', 'requireSignedRequests', 'allowIdpInitiated'] as const) if (present(input[k])) c[k] = bool(input[k], k);
  if (input.spCertificate !== undefined) {
    if (input.spCertificate === null || input.spCertificate === '') delete c.spCertificate;
    else c.spCertificate = certificate(input.spCertificate, 'spCertificate');
  }
  if (input.spEncryptionCertificate !== undefined) {
    if (input.spEncryptionCertificate === null || input.spEncryptionCertificate === '') delete c.spEncryptionCertificate;
    else c.spEncryptionCertificate = certificate(input.spEncryptionCertificate, 'spEncryptionCertificate');
  }
  if (typeof input.spMetadataUrl === 'string') c.spMetadataUrl = input.spMetadataUrl;

  // The whole, after merging.
  if (!c.spEntityId) throw bad('spEntityId', 'is required (or import spMetadataXml / spMetadataUrl)');
  if (c.acsUrls.length === 0) throw bad('acsUrls', 'must list at least one { url, binding }');
  if (c.acsUrls.filter((a) => a.isDefault).length > 1) throw bad('acsUrls', 'only one address may be the default');
  if (!c.signResponse && !c.signAssertion) throw bad('signAssertion', 'signResponse and signAssertion cannot both be false');
  if (c.encryptAssertion && !c.spEncryptionCertificate && !c.spCertificate) throw bad('encryptAssertion', 'needs spCertificate (the service provider’s encryption certificate)');
  if (c.requireSignedRequests && !c.spCertificate) throw bad('requireSignedRequests', 'needs spCertificate to verify the signatures');
  if (c.nameIdFormat === NAMEID_FORMATS.emailAddress && c.nameIdSource !== 'email') throw bad('nameIdFormat', 'emailAddress needs nameIdSource email');
  return c;
}

/** The ACS address for a request: by exact URL, by index, or the default — only ever a registered one. */
export function pickAcs(c: StoredSamlConfig, by: { url?: string | undefined; index?: number | undefined }): AcsUrl | undefined {
  if (by.url !== undefined) return c.acsUrls.find((a) => a.url === by.url);
  if (by.index !== undefined) return c.acsUrls.find((a) => a.index === by.index);
  return c.acsUrls.find((a) => a.isDefault) ?? c.acsUrls[0];
}
