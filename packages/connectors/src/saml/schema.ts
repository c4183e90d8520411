import { type WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

const Pem = (description: string) => Type.String({ minLength: 100, maxLength: 20_000, pattern: '-----BEGIN [A-Z ]+-----', description });
const AttributeName = (description: string) => Type.String({ minLength: 1, maxLength: 500, description });

/** Fields of a `saml` connection: Gatehouse as a SAML 2.0 service provider of an enterprise IdP (Entra ID, Okta, ADFS, Keycloak, Shibboleth…). */
export const SamlConfigSchema = Type.Object(
  {
    idpMetadataUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s#]+$', maxLength: 2000, description: "URL of the IdP's SAML metadata (fetched and cached for a day)" })),
    idpMetadataXml: Type.Optional(Type.String({ minLength: 50, maxLength: 500_000, description: "The IdP's SAML metadata XML (instead of idpMetadataUrl)" })),
    idpEntityId: Type.Optional(Type.String({ maxLength: 1000, description: 'Which IdP to use when the metadata lists several' })),
    spEntityId: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'Our SP entity ID (the audience); default: the ACS (callback) URL' })),
    spPrivateKey: Type.Optional(Pem('SP private key (PEM) to sign AuthnRequests and decrypt encrypted assertions (secret)')),
    spCertificate: Type.Optional(Pem('SP certificate (PEM) matching spPrivateKey, published in the SP metadata')),
    nameIdFormat: Type.Optional(Type.String({ maxLength: 200, description: 'NameIDPolicy Format to request, e.g. urn:oasis:names:tc:SAML:2.0:nameid-format:persistent (default: let the IdP choose)' })),
    userIdAttribute: Type.Optional(AttributeName('Attribute holding the stable user id (e.g. objectGUID, uid); default: the NameID, which must then be persistent')),
    attributes: Type.Object(
      {
        email: Type.Optional(AttributeName('Attribute with the email address')),
        name: Type.Optional(AttributeName('Attribute with the display name')),
        givenName: Type.Optional(AttributeName('Attribute with the given name')),
        familyName: Type.Optional(AttributeName('Attribute with the family name')),
        phone: Type.Optional(AttributeName('Attribute with the phone number')),
        groups: Type.Optional(AttributeName('Attribute with group names')),
      },
      { additionalProperties: false, default: {} },
    ),
    clockSkewMs: Type.Integer({ minimum: 0, maximum: 300_000, default: 60_000, description: 'Tolerated clock difference for NotBefore / NotOnOrAfter' }),
    autoLinkByVerifiedEmail: Type.Optional(Type.Boolean({ description: 'Server setting; SAML emails are never treated as verified, so it has no effect here' })),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 10_000, description: 'Timeout for fetching the metadata, ms' }),
  },
  { additionalProperties: false },
);
export type SamlConfig = Static<typeof SamlConfigSchema>;
export type SamlConfigInput = Omit<WithDefaults<SamlConfig, 'clockSkewMs' | 'timeoutMs' | 'attributes'>, 'attributes'> & { attributes?: SamlConfig['attributes'] };

/** What the connector needs from the IdP metadata. */
export interface IdpMetadata {
  entityId: string;
  /** SingleSignOnService with the HTTP-Redirect binding. */
  ssoUrl: string;
  /** Signing certificates (PEM). */
  certificates: string[];
}

/** Attribute names looked up when `attributes` does not name one (SAML2 OIDs, ADFS/Entra claim URIs, common LDAP names). */
export const DEFAULT_ATTRIBUTES = {
  email: ['email', 'mail', 'emailAddress', 'urn:oid:0.9.2342.19200300.100.1.3', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'],
  name: ['displayName', 'name', 'urn:oid:2.16.840.1.113730.3.1.241', 'http://schemas.microsoft.com/identity/claims/displayname', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'],
  givenName: ['givenName', 'firstName', 'urn:oid:2.5.4.42', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname'],
  familyName: ['sn', 'surname', 'lastName', 'urn:oid:2.5.4.4', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname'],
  phone: ['mobile', 'telephoneNumber', 'phone', 'urn:oid:0.9.2342.19200300.100.1.41'],
  groups: ['groups', 'memberOf', 'urn:oid:1.3.6.1.4.1.5923.1.5.1.1', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups'],
} as const;
