import type { ConnectorDeps, EmailConnector, SmsConnector } from '@gatehouse/connector-kit';
import { AppError } from '../../errors/app-error.js';
import type { Logger } from '../../utils/logger.js';
import type { MessagingRepo } from '../../storage/repositories/messaging.js';
import type { SecretBox } from '../../utils/crypto.js';
import { nowIso } from '../../utils/time.js';
import type { MessageKind } from '../passcodes/channels.js';
import { firstConfigError, keepingSecrets, openConfig, operatorOnlyViolation, sealConfig, withDefaults, withoutSecrets, type ConnectorRegistry } from '../connectors/index.js';

/**
 * Which connector sends a pool's SMS and email: the pool's own provider (management API,
 * credentials sealed at rest with the master key, AAD bound to pool and kind) when set and
 * enabled, else the server's (config file / environment). Secret fields — the connector
 * manifest's `secretFields` — are write-only: `describe` never returns them.
 */
export interface ProviderSetting {
  provider: string;
  enabled: boolean;
  config: Record<string, unknown>;
}

export interface ServerProviders {
  sms: ProviderSetting | null;
  email: ProviderSetting | null;
}

const context = (poolId: string, kind: MessageKind) => `message-provider:${poolId}:${kind}`;
const invalid = (kind: MessageKind, reason: string) => new AppError('passcode.invalid_provider_config', { params: { kind: kind === 'sms' ? 'SMS' : 'email', reason } });

/** Configuration-time destination checks (services/outbound): a pool cannot point a connector at an internal address. */
export interface DestinationChecks {
  checkUrl(url: string): Promise<void>;
  checkHost(host: string, port: number): Promise<void>;
}

export function createProvidersService(deps: {
  repo: MessagingRepo;
  box: SecretBox;
  registry: ConnectorRegistry;
  server: ServerProviders;
  log: Logger;
  /** For a pool's own providers: the outbound guard's client (internal addresses refused). */
  connectorDeps: Omit<ConnectorDeps, 'logger'>;
  /** For the server-wide providers the operator configured: defaults to connectorDeps. */
  operatorConnectorDeps?: Omit<ConnectorDeps, 'logger'>;
  destinations?: DestinationChecks;
}) {
  const cache = new Map<string, SmsConnector | EmailConnector>();

  const factory = (kind: MessageKind, id: string) => (kind === 'sms' ? deps.registry.sms(id) : deps.registry.email(id));

  /** Validates a provider config against the connector's manifest schema (clear error, nothing stored). */
  function check(kind: MessageKind, s: ProviderSetting): void {
    const f = factory(kind, s.provider);
    if (!f) throw invalid(kind, `unknown provider ${s.provider} (available: ${deps.registry.ids(kind).join(', ')})`);
    const first = firstConfigError(f.manifest, s.config);
    if (first) throw invalid(kind, `${first.field} ${first.message}`);
  }

  async function stored(poolId: string, kind: MessageKind): Promise<(ProviderSetting & { updatedAt: string }) | null> {
    const row = await deps.repo.getProvider(poolId, kind);
    if (!row) return null;
    const config = openConfig(deps.box, row.config_enc, context(poolId, kind));
    return { provider: row.provider, enabled: row.enabled === 1, config, updatedAt: row.updated_at };
  }

  /**
   * A pool may not choose where a connector connects beyond the vendor's own hosts (the
   * manifest's operatorOnlyFields), nor an SMTP server on an internal address: checked before
   * anything is stored. The same rules hold again at every connection (the outbound guard).
   */
  async function checkDestinations(kind: MessageKind, s: ProviderSetting): Promise<void> {
    const field = await operatorOnlyViolation(factory(kind, s.provider)?.manifest, s.config, deps.destinations?.checkUrl);
    if (field) throw new AppError('outbound.operator_only_field', { params: { field: `config.${field}` } });
    if (kind === 'email' && s.provider === 'smtp' && typeof s.config.host === 'string') {
      const port = typeof s.config.port === 'number' ? s.config.port : s.config.tls === 'implicit' ? 465 : 587;
      await deps.destinations?.checkHost(s.config.host, port);
    }
  }

  function instantiate(kind: MessageKind, s: ProviderSetting, cacheKey: string): SmsConnector | EmailConnector {
    const hit = cache.get(cacheKey);
    if (hit) return hit;
    const f = factory(kind, s.provider);
    if (!f) throw new AppError('passcode.provider_not_configured', { params: { kind: kind === 'sms' ? 'SMS' : 'email' } });
    const logger = deps.log.child({ connector: s.provider, kind });
    const base = cacheKey.startsWith('server|') ? (deps.operatorConnectorDeps ?? deps.connectorDeps) : deps.connectorDeps;
    const c = f.create(withDefaults(f.manifest, s.config), { ...base, logger });
    for (const k of [...cache.keys()]) if (k.startsWith(cacheKey.slice(0, cacheKey.lastIndexOf('|') + 1))) {
      const old = cache.get(k) as EmailConnector;
      cache.delete(k);
      void old.close?.().catch(() => undefined);
    }
    cache.set(cacheKey, c);
    return c;
  }

  /** The connector that sends this pool's messages of a kind; throws passcode.provider_not_configured. */
  async function connector(poolId: string, kind: 'sms'): Promise<SmsConnector>;
  async function connector(poolId: string, kind: 'email'): Promise<EmailConnector>;
  async function connector(poolId: string, kind: MessageKind): Promise<SmsConnector | EmailConnector> {
    const own = await stored(poolId, kind);
    if (own?.enabled) return instantiate(kind, own, `pool|${poolId}|${kind}|${own.updatedAt}`);
    const server = deps.server[kind];
    if (server?.enabled) return instantiate(kind, server, `server|${kind}|0`);
    throw new AppError('passcode.provider_not_configured', { params: { kind: kind === 'sms' ? 'SMS' : 'email' } });
  }

  return {
    check,
    connector,

    async put(poolId: string, kind: MessageKind, s: ProviderSetting): Promise<void> {
      check(kind, s);
      await checkDestinations(kind, s);
      await deps.repo.putProvider({
        pool_id: poolId,
        kind,
        provider: s.provider,
        enabled: s.enabled ? 1 : 0,
        config_enc: sealConfig(deps.box, s.config, context(poolId, kind)),
        updated_at: nowIso(),
      });
    },

    /**
     * Like put, but secret fields the caller left out (or empty) keep their stored values when
     * the provider stays the same: clients never see secrets, so they cannot send them back.
     */
    async putKeepingSecrets(poolId: string, kind: MessageKind, s: ProviderSetting): Promise<void> {
      const cur = await stored(poolId, kind);
      const config = keepingSecrets(factory(kind, s.provider)?.manifest, s.config, cur && cur.provider === s.provider ? cur.config : null);
      await this.put(poolId, kind, { ...s, config });
    },

    /** The pool's provider with secret fields left out, and whether the server default applies. */
    async describe(poolId: string, kind: MessageKind): Promise<{ own: ProviderSetting | null; secretFields: string[]; serverDefault: string | null }> {
      const own = await stored(poolId, kind);
      const manifest = own ? factory(kind, own.provider)?.manifest : undefined;
      const server = deps.server[kind];
      return {
        own: own ? { provider: own.provider, enabled: own.enabled, config: withoutSecrets(manifest, own.config) } : null,
        secretFields: manifest?.secretFields ?? [],
        serverDefault: server?.enabled ? server.provider : null,
      };
    },

    /** Current stored config, secrets included, for merging a partial update (never returned to clients). */
    storedConfig: async (poolId: string, kind: MessageKind) => (await stored(poolId, kind))?.config ?? null,

    async close(): Promise<void> {
      await Promise.all([...cache.values()].map((c) => (c as EmailConnector).close?.().catch(() => undefined)));
      cache.clear();
    },
  };
}
export type ProvidersService = ReturnType<typeof createProvidersService>;
