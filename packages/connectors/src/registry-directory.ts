/**
 * Directory connectors by connection type (`CreateExtIdpConnDto.type` `ldap` / `ad`). Adding a
 * directory kind is one folder plus one line here.
 */
import type { DirectoryConnectorFactory } from '@gatehouse/connector-kit';
import { adDirectory, ldapDirectory } from './ldap/index.js';

// Factories are generic in their config type; the registry erases it (config is validated by the factory).
type AnyDirectory = DirectoryConnectorFactory<any>;

export const directoryConnectors: Readonly<Record<string, AnyDirectory>> = Object.freeze({
  ldap: ldapDirectory,
  ad: adDirectory,
});

export function getDirectoryConnectorFactory(type: string): AnyDirectory | undefined {
  return Object.hasOwn(directoryConnectors, type) ? directoryConnectors[type] : undefined;
}
