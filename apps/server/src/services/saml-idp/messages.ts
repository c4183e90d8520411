import { BINDING, NAMEID_FORMATS, type StoredSamlConfig } from './config.js';
import type { SamlKey, SigningKey } from './keys.js';
import { newId } from './response.js';
import { signElement } from './signing.js';
import { x } from './xml.js';

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface IdpEndpoints {
  entityId: string;
  sso: string;
  slo: string;
}

/**
 * IdP metadata (SAML Metadata §2.4.3, IDPSSODescriptor) for one application: its entity ID, the
 * SSO and SLO endpoints over both bindings, and every published signing key — the active one,
 * a staged next one and the retired one of the last rotation — so service providers that fetch
 * metadata at any moment of a rotation verify what they receive.
 */
export function idpMetadata(e: IdpEndpoints, keys: SamlKey[], opts: { wantAuthnRequestsSigned: boolean; validUntil?: Date }): string {
  const kd = keys.map((k) => `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:KeyName>${x(k.kid)}</ds:KeyName><ds:X509Data><ds:X509Certificate>${k.certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`).join('');
  const formats = Object.values(NAMEID_FORMATS).map((f) => `<md:NameIDFormat>${f}</md:NameIDFormat>`).join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${x(e.entityId)}"${opts.validUntil ? ` validUntil="${iso(opts.validUntil)}"` : ''}>` +
    `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAuthnRequestsSigned="${opts.wantAuthnRequestsSigned}">` +
    kd +
    `<md:SingleLogoutService Binding="${BINDING.redirect}" Location="${x(e.slo)}"/><md:SingleLogoutService Binding="${BINDING.post}" Location="${x(e.slo)}"/>` +
    formats +
    `<md:SingleSignOnService Binding="${BINDING.redirect}" Location="${x(e.sso)}"/><md:SingleSignOnService Binding="${BINDING.post}" Location="${x(e.sso)}"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`
  );
}

/** A LogoutRequest to a service provider (SAML Core §3.7.1), signed. */
export function logoutRequest(r: { idpEntityId: string; cfg: StoredSamlConfig; destination: string; nameId: string; nameIdFormat: string; sessionIndex: string; key: SigningKey; now?: Date }): { id: string; xml: string } {
  const now = r.now ?? new Date();
  const id = newId();
  const qualifiers = r.nameIdFormat === NAMEID_FORMATS.persistent || r.nameIdFormat === NAMEID_FORMATS.transient ? ` NameQualifier="${x(r.idpEntityId)}" SPNameQualifier="${x(r.cfg.spEntityId)}"` : '';
  const xml =
    `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${iso(now)}" Destination="${x(r.destination)}" NotOnOrAfter="${iso(new Date(now.getTime() + 5 * 60_000))}">` +
    `<saml:Issuer>${x(r.idpEntityId)}</saml:Issuer><saml:NameID Format="${x(r.nameIdFormat)}"${qualifiers}>${x(r.nameId)}</saml:NameID><samlp:SessionIndex>${x(r.sessionIndex)}</samlp:SessionIndex></samlp:LogoutRequest>`;
  return { id, xml: r.cfg.sloBinding === BINDING.post ? signElement(xml, 'LogoutRequest', r.key, r.cfg.signatureAlgorithm) : xml };
}

/** A LogoutResponse to the service provider that asked to log out (SAML Core §3.7.2). */
export function logoutResponse(r: { idpEntityId: string; cfg: StoredSamlConfig; destination: string; inResponseTo: string; status: string; key: SigningKey; now?: Date }): string {
  const now = r.now ?? new Date();
  const xml =
    `<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${newId()}" Version="2.0" IssueInstant="${iso(now)}" Destination="${x(r.destination)}" InResponseTo="${x(r.inResponseTo)}">` +
    `<saml:Issuer>${x(r.idpEntityId)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="${r.status}"/></samlp:Status></samlp:LogoutResponse>`;
  return r.cfg.sloBinding === BINDING.post ? signElement(xml, 'LogoutResponse', r.key, r.cfg.signatureAlgorithm) : xml;
}
