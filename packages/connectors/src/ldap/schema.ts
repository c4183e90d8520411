import type { WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';
import { DEFAULTS, USER_FIELDS, type DirectoryType } from './defaults.js';

/**
 * The `fields` of an `ldap` or `ad` connection. One schema per type because the defaults differ
 * (filters and attribute names of OpenLDAP vs Active Directory); the shape is the same.
 */
export function directoryConfigSchema(type: DirectoryType) {
  const d = DEFAULTS[type];
  return Type.Object(
    {
      ldapUrl: Type.Union(
        [
          Type.String({ minLength: 1, maxLength: 4096 }),
          Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { minItems: 1, maxItems: 10 }),
        ],
        {
          description:
            'ldap://host[:389] or ldaps://host[:636]; several (an array, or separated by spaces or commas) are tried in order for failover',
        },
      ),
      startTls: Type.Boolean({ default: false, description: 'Upgrade ldap:// connections with StartTLS (RFC 4511 §4.14) before binding' }),
      tlsCaCert: Type.Optional(
        Type.String({
          maxLength: 65_536,
          description: 'PEM CA certificate(s) to trust instead of the system store. Certificates and host names are always verified.',
        }),
      ),
      bindDn: Type.Optional(Type.String({ maxLength: 1024, description: 'Service account used to search for users' })),
      bindPassword: Type.Optional(Type.String({ maxLength: 1024, description: 'Password of the service account (secret)' })),
      baseDn: Type.String({ minLength: 1, maxLength: 1024, description: 'Where users are searched (subtree)' }),
      userFilter: Type.String({
        minLength: 1,
        maxLength: 2048,
        default: d.userFilter,
        description: 'Filter finding the user; {{account}} is replaced by what the user typed, escaped per RFC 4515',
      }),
      attributeMap: Type.Record(Type.String({ minLength: 1, maxLength: 128 }), Type.Union(USER_FIELDS.map((f) => Type.Literal(f))), {
        default: d.attributeMap,
        description: '{ "<LDAP attribute>": "<user field>" }; user fields: username, email, phone, name, picture, externalId',
      }),
      groupBaseDn: Type.Optional(Type.String({ maxLength: 1024, description: 'Where groups are searched (default: baseDn)' })),
      groupFilter: Type.String({
        minLength: 1,
        maxLength: 2048,
        default: d.groupFilter,
        description: "Filter finding the user's groups; {{dn}} is replaced by the user's DN, escaped",
      }),
      roleMap: Type.Record(Type.String({ minLength: 1, maxLength: 1024 }), Type.String({ minLength: 1, maxLength: 128 }), {
        default: {},
        description: '{ "<group DN>": "<role code>" }, applied at each sign-in',
      }),
      timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 5_000, description: 'Bound on connecting and on every directory operation' }),
      poolSize: Type.Integer({ minimum: 1, maximum: 50, default: 4, description: 'Concurrent directory operations (service-account connections kept open)' }),
    },
    { additionalProperties: false },
  );
}

export type DirectoryConfig = Static<ReturnType<typeof directoryConfigSchema>>;
/** What callers pass: keys with defaults may be omitted. */
export type DirectoryConfigInput = WithDefaults<
  DirectoryConfig,
  'startTls' | 'userFilter' | 'attributeMap' | 'groupFilter' | 'roleMap' | 'timeoutMs' | 'poolSize'
>;
