/**
 * IdP metadata (SAML 2.0 Metadata, OASIS saml-metadata-2.0-os): the entity ID, the
 * HTTP-Redirect SingleSignOnService and the signing certificates. Documents with a DOCTYPE are
 * refused (no entity expansion of any kind). The metadata's own signature is not checked: it
 * comes from the administrator, pasted or from an https URL they chose.
 */
import { DOMParser, type Element } from '@xmldom/xmldom';
import { ConnectorError, providerRequest, type ConnectorCache, type HttpClient } from '@gatehouse/connector-kit';
import type { IdpMetadata } from './schema.js';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const VENDOR = 'saml';

const configError = (why: string) => new ConnectorError('connector.invalid_config', `${VENDOR}: IdP metadata ${why}`);

export function parseIdpMetadata(xml: string, entityId?: string): IdpMetadata {
  if (/<!DOCTYPE/i.test(xml)) throw configError('must not contain a DOCTYPE');
  let doc;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(xml, 'text/xml');
  } catch {
    throw configError('is not well-formed XML');
  }
  const entities = Array.from(doc.getElementsByTagNameNS(MD, 'EntityDescriptor')).filter((e) => e.getElementsByTagNameNS(MD, 'IDPSSODescriptor').length > 0);
  const chosen = entityId ? entities.filter((e) => e.getAttribute('entityID') === entityId) : entities;
  if (chosen.length !== 1) throw configError(chosen.length ? 'lists several IdPs: set idpEntityId' : 'has no (matching) IDPSSODescriptor');
  const entity = chosen[0]!;
  const idp = entity.getElementsByTagNameNS(MD, 'IDPSSODescriptor')[0]!;
  const sso = Array.from(idp.getElementsByTagNameNS(MD, 'SingleSignOnService')).find((s) => s.getAttribute('Binding') === REDIRECT);
  const ssoUrl = sso?.getAttribute('Location');
  if (!ssoUrl || !/^https?:\/\//.test(ssoUrl)) throw configError('has no HTTP-Redirect SingleSignOnService');
  const certificates = Array.from(idp.getElementsByTagNameNS(MD, 'KeyDescriptor'))
    .filter((k) => !k.getAttribute('use') || k.getAttribute('use') === 'signing')
    .flatMap((k) => Array.from(k.getElementsByTagNameNS(DS, 'X509Certificate')))
    .map((c: Element) => (c.textContent ?? '').replace(/\s+/g, ''))
    .filter((b64) => /^[A-Za-z0-9+/]+=*$/.test(b64))
    .map((b64) => `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`);
  if (!certificates.length) throw configError('has no signing certificate');
  return { entityId: entity.getAttribute('entityID') ?? '', ssoUrl, certificates };
}

/** Metadata from the pasted XML, or fetched from the URL and cached for a day. */
export async function loadIdpMetadata(o: { xml?: string; url?: string; entityId?: string; http: HttpClient; cache: ConnectorCache; timeoutMs: number }): Promise<IdpMetadata> {
  if (o.xml) return parseIdpMetadata(o.xml, o.entityId);
  const key = `saml-metadata:${o.url}`;
  const cached = await o.cache.get(key);
  if (cached) return parseIdpMetadata(cached, o.entityId);
  const res = await providerRequest(o.http, VENDOR, o.url!, { headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' }, timeoutMs: o.timeoutMs });
  if (res.status >= 500) throw new ConnectorError('connector.unavailable', `${VENDOR}: metadata URL answered HTTP ${res.status}`);
  if (res.status !== 200) throw new ConnectorError('connector.invalid_config', `${VENDOR}: metadata URL answered HTTP ${res.status}`);
  const parsed = parseIdpMetadata(res.text, o.entityId);
  await o.cache.set(key, res.text, 24 * 3_600_000);
  return parsed;
}
