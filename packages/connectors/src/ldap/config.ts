/**
 * Config checks the schema cannot express, done once when the connector is created so that a
 * broken connection fails when it is saved (and in test connection), not at a user's sign-in.
 */
import { X509Certificate } from 'node:crypto';
import { ConnectorError } from '@gatehouse/connector-kit';
import { parseEndpoints, type Endpoint } from './endpoints.js';
import { checkFilterTemplate } from './filter.js';
import type { DirectoryConfig } from './schema.js';

export interface ResolvedConfig {
  endpoints: Endpoint[];
  ca?: string[];
}

/** Attribute descriptions (RFC 4512 §2.5): a name or an OID, with options such as `;binary`. */
const ATTRIBUTE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)(?:;[A-Za-z0-9-]+)*$/;

export function resolveConfig(id: string, config: DirectoryConfig): ResolvedConfig {
  const bad = (why: string): never => {
    throw new ConnectorError('connector.invalid_config', `${id}: ${why}`);
  };
  const endpoints = parseEndpoints(config.ldapUrl);
  if (typeof endpoints === 'string') bad(`ldapUrl: ${endpoints}`);
  const eps = endpoints as Endpoint[];
  if (config.startTls && eps.some((e) => e.secure)) bad('startTls applies to ldap:// URLs; ldaps:// is already TLS');

  // RFC 4513 §5.1.2: a DN with an empty password is an "unauthenticated bind" that many servers
  // answer with success as anonymous. Never configure one for the service account either.
  if (config.bindDn && !config.bindPassword) bad('bindDn without bindPassword (an unauthenticated bind)');
  if (config.bindPassword && !config.bindDn) bad('bindPassword without bindDn');

  for (const [field, value] of [['baseDn', config.baseDn], ['bindDn', config.bindDn], ['groupBaseDn', config.groupBaseDn]] as const) {
    if (value !== undefined && (/[\0\r\n]/.test(value) || (field !== 'bindDn' && !value.includes('=')))) bad(`${field} is not a DN`);
  }

  const userFilterProblem = checkFilterTemplate(config.userFilter, 'account');
  if (userFilterProblem) bad(`userFilter ${userFilterProblem}`);
  const groupFilterProblem = checkFilterTemplate(config.groupFilter, 'dn');
  if (groupFilterProblem) bad(`groupFilter ${groupFilterProblem}`);

  for (const name of Object.keys(config.attributeMap)) if (!ATTRIBUTE.test(name)) bad(`attributeMap: not an attribute name: ${name.slice(0, 64)}`);

  let ca: string[] | undefined;
  if (config.tlsCaCert !== undefined && config.tlsCaCert.trim() !== '') {
    ca = config.tlsCaCert.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (ca.length === 0) bad('tlsCaCert: no PEM certificate found');
    for (const pem of ca) {
      try {
        new X509Certificate(pem);
      } catch {
        bad('tlsCaCert: a certificate does not parse');
      }
    }
  }
  return { endpoints: eps, ...(ca ? { ca } : {}) };
}
