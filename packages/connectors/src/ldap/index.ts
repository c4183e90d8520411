/**
 * LDAP and Active Directory sign-in (connection types `ldap` and `ad`): one implementation, two
 * factories whose config schemas carry the per-type defaults. Reached with ldapts
 * (https://github.com/ldapts/ldapts); `ldapjs` is decommissioned.
 *
 * References: RFC 4511 (protocol), RFC 4513 (authentication, StartTLS, unauthenticated binds),
 * RFC 4515 (filters), RFC 4530 (entryUUID), [MS-ADTS] (userAccountControl, objectGUID, bind
 * sub-codes), draft-behera-ldap-password-policy (OpenLDAP ppolicy).
 */
import type { DirectoryConnectorFactory, DirectoryConnectorManifest } from '@gatehouse/connector-kit';
import { createDirectoryConnector } from './connector.js';
import type { DirectoryType } from './defaults.js';
import { directoryConfigSchema, type DirectoryConfigInput } from './schema.js';

function manifestFor(type: DirectoryType): DirectoryConnectorManifest {
  return {
    id: type,
    kind: 'directory',
    name: type === 'ad' ? 'Active Directory' : 'LDAP',
    types: [type],
    configSchema: directoryConfigSchema(type),
    secretFields: ['bindPassword'],
    docs:
      type === 'ad'
        ? ['https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-adts/', 'https://datatracker.ietf.org/doc/html/rfc4513']
        : ['https://datatracker.ietf.org/doc/html/rfc4513', 'https://datatracker.ietf.org/doc/html/rfc4515'],
  };
}

function factory(type: DirectoryType): DirectoryConnectorFactory<DirectoryConfigInput> {
  const manifest = manifestFor(type);
  return { manifest, create: (config, deps) => createDirectoryConnector(type, manifest, config, deps) };
}

/** OpenLDAP, 389-ds / FreeIPA and other RFC 4519 directories (connection type `ldap`). */
export const ldapDirectory = factory('ldap');
/** Active Directory and Samba AD (connection type `ad`). */
export const adDirectory = factory('ad');

export type { DirectoryConfig, DirectoryConfigInput } from './schema.js';
export type { DirectoryType, UserField } from './defaults.js';
export { USER_FIELDS } from './defaults.js';
export { rolesForGroups, mappedRoles, normalizeDn } from './dn.js';
export { adSubCodeOf, AD_SUB_CODES, parseAdSubCode } from './errors.js';
export { escapeFilterValue } from './filter.js';
