import type { Element } from '@xmldom/xmldom';
import { AppError, isAppError } from '../../errors/app-error.js';
import { parseCertificate } from '../../utils/x509.js';
import { checkDeliveryUrl } from '../sso-protocols/urls.js';
import { BINDING, NAMEID_FORMATS, type AcsUrl, type NameIdFormat, type StoredSamlConfig } from './config.js';
import { boolAttr, children, descendants, MAX_METADATA_BYTES, NS, parseUntrustedXml, text } from './xml.js';

/**
 * What a service provider's SAML metadata (SAML Metadata §2.4.4, SPSSODescriptor) says about it.
 * Metadata is configuration an administrator hands us, not a message: it is parsed with the same
 * strict parser (no DTDs, bounded size) and only the fields below are read. An unsigned
 * metadata document is trusted as much as the administrator who supplied it.
 */
export interface ImportedSpMetadata {
  entityId: string;
  acsUrls: AcsUrl[];
  sloUrl?: string;
  sloBinding?: StoredSamlConfig['sloBinding'];
  signingCertificate?: string;
  encryptionCertificate?: string;
  nameIdFormat?: NameIdFormat;
  authnRequestsSigned: boolean;
  wantAssertionsSigned: boolean;
}

const bad = (reason: string) => new AppError('saml.invalid_metadata', { params: { reason } });

export function parseSpMetadata(xml: string): ImportedSpMetadata {
  let root: Element;
  try {
    root = parseUntrustedXml(xml, MAX_METADATA_BYTES).documentElement!;
  } catch (err) {
    if (isAppError(err) && err.code === 'saml.dtd_refused') throw bad('it contains a document type declaration');
    if (isAppError(err) && err.code === 'saml.request_too_large') throw bad('it is larger than 512 KiB');
    throw bad('it is not well-formed XML');
  }
  let entity = root;
  if (root.namespaceURI === NS.metadata && root.localName === 'EntitiesDescriptor') {
    const withSp = descendants(root, NS.metadata, 'EntityDescriptor').filter((e) => children(e, NS.metadata, 'SPSSODescriptor').length > 0);
    if (withSp.length !== 1) throw bad('it must describe exactly one service provider');
    entity = withSp[0]!;
  }
  if (entity.namespaceURI !== NS.metadata || entity.localName !== 'EntityDescriptor') throw bad('the root element is not an md:EntityDescriptor');
  const entityId = entity.getAttribute('entityID')?.trim() ?? '';
  if (!entityId || entityId.length > 1024) throw bad('entityID is missing');
  const sp = children(entity, NS.metadata, 'SPSSODescriptor')[0];
  if (!sp) throw bad('it has no SPSSODescriptor');

  const acsUrls: AcsUrl[] = [];
  for (const el of children(sp, NS.metadata, 'AssertionConsumerService')) {
    if (el.getAttribute('Binding') !== BINDING.post) continue; // only HTTP-POST responses are sent
    const loc = el.getAttribute('Location') ?? '';
    const ok = checkDeliveryUrl(loc);
    if ('reason' in ok) throw bad(`AssertionConsumerService ${loc} ${ok.reason}`);
    const index = el.getAttribute('index');
    acsUrls.push({ url: loc, binding: BINDING.post, ...(index !== null && /^\d{1,5}$/.test(index) ? { index: Number(index) } : {}), ...(el.getAttribute('isDefault') === 'true' ? { isDefault: true } : {}) });
  }
  if (acsUrls.length === 0) throw bad('it has no AssertionConsumerService with the HTTP-POST binding');

  const slo = children(sp, NS.metadata, 'SingleLogoutService');
  const sloEl = slo.find((e) => e.getAttribute('Binding') === BINDING.redirect) ?? slo.find((e) => e.getAttribute('Binding') === BINDING.post);
  let sloUrl: string | undefined;
  if (sloEl) {
    const loc = sloEl.getAttribute('Location') ?? '';
    const ok = checkDeliveryUrl(loc);
    if ('reason' in ok) throw bad(`SingleLogoutService ${loc} ${ok.reason}`);
    sloUrl = loc;
  }

  let signingCertificate: string | undefined;
  let encryptionCertificate: string | undefined;
  for (const kd of children(sp, NS.metadata, 'KeyDescriptor')) {
    const use = kd.getAttribute('use') ?? '';
    const certText = text(descendants(kd, NS.dsig, 'X509Certificate')[0]);
    if (!certText) continue;
    const cert = parseCertificate(certText);
    if (!cert) throw bad('a KeyDescriptor holds no readable X.509 certificate');
    if (cert.publicKey.asymmetricKeyType !== 'rsa') continue;
    if ((use === '' || use === 'signing') && !signingCertificate) signingCertificate = cert.toString();
    if ((use === '' || use === 'encryption') && !encryptionCertificate) encryptionCertificate = cert.toString();
  }

  const formats = children(sp, NS.metadata, 'NameIDFormat').map((e) => text(e));
  const nameIdFormat = formats.find((f) => (Object.values(NAMEID_FORMATS) as string[]).includes(f)) as NameIdFormat | undefined;

  return {
    entityId,
    acsUrls,
    ...(sloUrl ? { sloUrl, sloBinding: sloEl!.getAttribute('Binding') as StoredSamlConfig['sloBinding'] } : {}),
    ...(signingCertificate ? { signingCertificate } : {}),
    ...(encryptionCertificate && encryptionCertificate !== signingCertificate ? { encryptionCertificate } : {}),
    ...(nameIdFormat && nameIdFormat !== NAMEID_FORMATS.transient ? { nameIdFormat } : {}),
    authnRequestsSigned: boolAttr(sp, 'AuthnRequestsSigned'),
    wantAssertionsSigned: boolAttr(sp, 'WantAssertionsSigned'),
  };
}
