/**
 * Per-type defaults. OpenLDAP-style directories (inetOrgPerson, groupOfNames, RFC 4519/4524
 * attributes) and Active Directory differ in naming, in the stable id attribute and in how a
 * disabled account is expressed.
 */
export type DirectoryType = 'ldap' | 'ad';

/** Gatehouse user fields an LDAP attribute may fill. */
export const USER_FIELDS = ['username', 'email', 'phone', 'name', 'picture', 'externalId'] as const;
export type UserField = (typeof USER_FIELDS)[number];

interface TypeDefaults {
  userFilter: string;
  attributeMap: Record<string, UserField>;
  groupFilter: string;
  /**
   * Stable, immutable ids in order of preference: entryUUID (RFC 4530; OpenLDAP, and 389-ds /
   * FreeIPA with the entryUUID plugin), nsUniqueId (389-ds / FreeIPA always have it); objectGUID for
   * AD. Never a DN, uid or mail: those can be renamed or reassigned.
   */
  idAttributes: string[];
  /** Attributes that must come back as bytes. */
  binaryAttributes: string[];
}

export const DEFAULTS: Record<DirectoryType, TypeDefaults> = {
  ldap: {
    userFilter: '(|(uid={{account}})(mail={{account}}))',
    attributeMap: { uid: 'username', mail: 'email', telephoneNumber: 'phone', cn: 'name' },
    groupFilter: '(&(objectClass=groupOfNames)(member={{dn}}))',
    idAttributes: ['entryUUID', 'nsUniqueId'],
    binaryAttributes: [],
  },
  ad: {
    userFilter: '(|(sAMAccountName={{account}})(userPrincipalName={{account}}))',
    attributeMap: { sAMAccountName: 'username', mail: 'email', telephoneNumber: 'phone', displayName: 'name' },
    groupFilter: '(member={{dn}})',
    idAttributes: ['objectGUID'],
    binaryAttributes: ['objectGUID'],
  },
};

/**
 * Longest account we look up. sAMAccountName is at most 20 characters, an e-mail address 254
 * (RFC 5321 §4.5.3.1), a UPN in practice the same; anything longer is refused before the
 * directory sees it.
 */
export const MAX_ACCOUNT_LENGTH = 256;
/** Longest password sent in a bind (AD allows 256; passphrases rarely exceed 100). */
export const MAX_PASSWORD_LENGTH = 1024;
/** Groups read per sign-in; more are logged and cut. */
export const MAX_GROUPS = 1000;
/** How long a URL that failed to connect is tried last (failover). */
export const ENDPOINT_COOLDOWN_MS = 30_000;
/** Idle service-account connections are closed after this. */
export const IDLE_CLOSE_MS = 60_000;
