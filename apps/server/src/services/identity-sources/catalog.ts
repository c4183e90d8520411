import type { ConnectorManifest, DirectoryConnectorFactory, SocialConnectorFactory } from '@gatehouse/connector-kit';
import type { ConnectorRegistry } from '../connectors/index.js';

/**
 * Which connector serves a connection `type` (the vendor SDK's `CreateExtIdpConnDto.type`): the
 * connector runtime's registry (services/connectors), social first, then directories. A type
 * it does not know is refused at creation (`federation.unsupported_type`), so every stored
 * connection has a connector and a schema.
 */
export type ConnectorEntry =
  | { kind: 'social'; manifest: ConnectorManifest & { trustsVerifiedEmail: boolean; signsInByVerifiedPhone?: boolean }; factory: SocialConnectorFactory }
  | { kind: 'directory'; manifest: ConnectorManifest; factory: DirectoryConnectorFactory };

export interface ConnectorCatalog {
  forType(type: string): ConnectorEntry | undefined;
}

export function createConnectorCatalog(registry: ConnectorRegistry): ConnectorCatalog {
  return {
    forType(type) {
      const social = registry.social(type);
      if (social) return { kind: 'social', manifest: social.manifest, factory: social };
      const dir = registry.directory(type);
      if (dir) return { kind: 'directory', manifest: dir.manifest, factory: dir };
      return undefined;
    },
  };
}

/**
 * The identity-source type (`CreateExtIdpDto.type`) a connection type belongs to: `github:mobile`
 * → `github`, `wechat:pc` → `wechat`, `oauth` → `oauth2`, `lark-internal` → `lark`.
 */
const SOURCE_OF: Record<string, string> = {
  oauth: 'oauth2',
  'wechatmp-qrcode': 'wechat',
  'lark-internal': 'lark',
  'lark-public': 'lark',
  'lark-block': 'lark',
  'zjzwfw-qrcode': 'zjzwfw',
  'ad-kerberos': 'ad',
};
export function sourceTypeOf(connectionType: string): string {
  return SOURCE_OF[connectionType] ?? connectionType.split(':')[0]!;
}
