import { randomBytes } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import { isUniqueViolation } from '../../errors/to-app-error.js';
import type { ApplicationRow, ApplicationsRepo } from '../../storage/repositories/applications.js';
import { safeEqual, type SecretBox } from '../../utils/crypto.js';
import { randomId, urlSafeSecret } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';
import { createKeyedCache, deepFreeze } from '../../utils/keyed-cache.js';
import { invalidConfig } from './checks.js';
import { buildColumns } from './columns.js';
import { DEFAULT_LOGIN_METHODS, oidcOf, settingsOf, toApplicationDto } from './dto.js';
import { checkIdentifier, slugOf } from './identifier.js';
import type { ApplicationDto, ApplicationInput, CreateApplicationInput, ListApplicationsQuery } from './types.js';
import { APP_TYPES } from './vocabulary.js';
import { parseSpMetadata, type ImportedSpMetadata } from '../saml-idp/sp-metadata.js';
import { checkDeliveryUrl } from '../sso-protocols/urls.js';

/** Where an app's back-channel logout URI may point (services/outbound: no internal addresses). */
export interface ApplicationDestinationChecks {
  checkUrl(url: string): Promise<void>;
}

export interface ApplicationsServiceOptions {
  destinations?: ApplicationDestinationChecks;
  /**
   * Fetches a SAML service provider's metadata document (`samlConfig.spMetadataUrl`): an
   * outbound request to an address an administrator chose, so the container passes a guarded
   * HTTP client (no private addresses, bounded size and time). Without it, URLs are refused.
   */
  fetchSpMetadata?: (url: string) => Promise<string>;
  /**
   * Checks the fields of `registerConfig.completeProfile` against the pool (built-in profile
   * fields, USER custom fields: services/custom-fields/profile-fields.ts); throws a catalogued
   * error naming the first unknown key. The container passes it (the custom fields are another service).
   */
  checkProfileFields?: (poolId: string, fields: ReadonlyArray<{ type: string; key: string }>) => Promise<void>;
  /**
   * How long this node keeps an application for the request paths (`locate`, `verifySecret`,
   * `findClient`, `signInConfig`; default 10 s, the client cache's bound). Changes through
   * `update`/`delete` drop it here at once and, through `invalidate` on the invalidation bus
   * (container), on every node; management reads (`get`, `update`) always read the database.
   */
  cacheTtlMs?: number;
}

export function createApplicationsService(repo: ApplicationsRepo, box: SecretBox, opts: ApplicationsServiceOptions = {}) {
  /** SP metadata given inline or by URL, parsed (docs/saml.md, "Importing metadata"). */
  async function spMetadataOf(input: ApplicationInput): Promise<{ spMetadata?: ImportedSpMetadata }> {
    const c = input.samlConfig as { spMetadataXml?: unknown; spMetadataUrl?: unknown } | undefined;
    if (!c || typeof c !== 'object') return {};
    if (c.spMetadataXml !== undefined && c.spMetadataXml !== null) {
      if (typeof c.spMetadataXml !== 'string') throw new AppError('saml.invalid_metadata', { params: { reason: 'spMetadataXml must be the XML text' } });
      return { spMetadata: parseSpMetadata(c.spMetadataXml) };
    }
    if (c.spMetadataUrl !== undefined && c.spMetadataUrl !== null) {
      const u = checkDeliveryUrl(c.spMetadataUrl);
      if ('reason' in u) throw new AppError('saml.invalid_config', { params: { field: 'spMetadataUrl', reason: u.reason } });
      if (u.url.protocol !== 'https:') throw new AppError('saml.invalid_config', { params: { field: 'spMetadataUrl', reason: 'must use https://' } });
      if (!opts.fetchSpMetadata) throw new AppError('saml.metadata_fetch_failed');
      let xml: string;
      try {
        xml = await opts.fetchSpMetadata(c.spMetadataUrl as string);
      } catch (err) {
        throw new AppError('saml.metadata_fetch_failed', { cause: err });
      }
      return { spMetadata: parseSpMetadata(xml) };
    }
    return {};
  }

  /** A back-channel logout URI set by this write must not point into the server's network. */
  const checkDestinations = async (input: ApplicationInput) => {
    const uri = (input.oidcConfig as Record<string, unknown> | undefined)?.backchannel_logout_uri;
    if (typeof uri === 'string' && uri) await opts.destinations?.checkUrl(uri);
  };
  /** A completeProfile written by this input names only fields the sign-in can ask for. */
  const checkProfile = async (poolId: string, input: ApplicationInput) => {
    const fields = ((input.registerConfig as { completeProfile?: { fields?: unknown } } | undefined)?.completeProfile?.fields ?? []) as Array<{ type: string; key: string }>;
    if (Array.isArray(fields) && fields.length) await opts.checkProfileFields?.(poolId, fields);
  };
  /** The secret is bound to its app by the AES-GCM associated data: a ciphertext moved to another row will not open. */
  const context = (appId: string) => `app:${appId}`;
  /** Verifying against a digest of a random value for unknown apps keeps the timing of both paths alike. */
  const dummyDigest = box.digest(urlSafeSecret());

  /**
   * Every sign-in read its application three times (`locate`, `verifySecret`, the profile step's
   * config) and every token request once more: the row is kept per node by app id, frozen (it is
   * shared), for `cacheTtlMs`. A client secret never changes after `create`, so the cached
   * keyed digest is the stored one.
   */
  const hot = createKeyedCache(async (appId: string) => {
    const row = await repo.findByIdAnyPool(appId);
    return row ? deepFreeze(row) : undefined;
  }, { ttlMs: opts.cacheTtlMs ?? 10_000, maxEntries: 10_000 });
  const hotRow = async (poolId: string, appId: string) => {
    const row = await hot.get(appId);
    return row && row.pool_id === poolId ? row : undefined;
  };
  /** The DTO of a cached row, built once per row (frozen, shared by every caller). */
  const dtos = new WeakMap<ApplicationRow, ApplicationDto>();
  const dtoOf = (row: ApplicationRow) => {
    let dto = dtos.get(row);
    if (!dto) dtos.set(row, (dto = deepFreeze(toApplicationDto(row))));
    return dto;
  };

  /** In-process listeners told the appId after an update or delete (e.g. the OIDC client cache); other nodes rely on their cache TTL. */
  const listeners = new Set<(appId: string) => void>();
  const changed = (appId: string) => {
    hot.drop(appId);
    for (const l of listeners) l(appId);
  };

  const load = async (poolId: string, appId: string): Promise<ApplicationRow> => {
    const row = await repo.findById(poolId, appId);
    if (!row) throw new AppError('application.not_found');
    return row;
  };

  return {
    /**
     * Creates an app with a fresh secret: 256 bits, base64url (RFC 4648 §5), so it survives
     * every client's HTTP Basic encoding (RFC 6749 §2.3.1). The secret is returned once here
     * and afterwards only through get-application-secret.
     */
    async create(poolId: string, input: CreateApplicationInput, opts: { isDefault?: boolean } = {}): Promise<ApplicationDto & { appSecret: string }> {
      const appType = input.appType ?? 'web';
      if (!(APP_TYPES as readonly string[]).includes(appType)) throw invalidConfig(`unknown appType ${appType}`, 'appType');
      if (typeof input.appName !== 'string' || input.appName.trim() === '') throw new AppError('request.invalid_input', { details: [{ path: 'appName', message: 'is required' }] });
      const appId = randomBytes(12).toString('hex'); // 24 hex characters, the vendor's id shape
      const columns = buildColumns(appId, appType, input, null, await spMetadataOf(input));
      await checkDestinations(input);
      await checkProfile(poolId, input);
      const secret = urlSafeSecret(32);
      const now = nowIso();
      const row: ApplicationRow = {
        id: appId,
        pool_id: poolId,
        name: input.appName,
        identifier: '',
        description: (columns.description as string | null | undefined) ?? null,
        logo: (columns.logo as string | null | undefined) ?? null,
        type: appType,
        is_default: opts.isDefault ? 1 : 0,
        secret_enc: box.seal(secret, context(appId)),
        secret_digest: box.digest(secret),
        redirect_uris: (columns.redirect_uris as string | undefined) ?? '[]',
        logout_redirect_uris: (columns.logout_redirect_uris as string | undefined) ?? '[]',
        token_endpoint_auth_method: columns.token_endpoint_auth_method as string,
        oidc_config: columns.oidc_config as string,
        login_methods: (columns.login_methods as string | undefined) ?? JSON.stringify(DEFAULT_LOGIN_METHODS),
        settings: columns.settings as string,
        created_at: now,
        updated_at: now,
      };

      if (input.appIdentifier !== undefined) {
        checkIdentifier(input.appIdentifier);
        row.identifier = input.appIdentifier;
        try {
          await repo.insert(row);
        } catch (err) {
          if (isUniqueViolation(err)) throw new AppError('application.already_exists', { cause: err });
          throw err;
        }
      } else {
        // Derived from the name; a short random suffix on collision (and on a concurrent insert of the same one).
        const base = slugOf(input.appName);
        let candidate = (await repo.identifierTaken(poolId, base)) ? `${base}-${randomId(3)}` : base;
        for (let attempt = 0; ; attempt++) {
          row.identifier = candidate;
          try {
            await repo.insert(row);
            break;
          } catch (err) {
            if (!isUniqueViolation(err) || attempt >= 4) throw err;
            candidate = `${base}-${randomId(4)}`;
          }
        }
      }
      hot.drop(appId); // a lookup of this id before it existed may have been kept as unknown
      return { ...toApplicationDto(row), appSecret: secret };
    },

    async get(poolId: string, appId: string): Promise<ApplicationDto> {
      return toApplicationDto(await load(poolId, appId));
    },

    async list(poolId: string, q: ListApplicationsQuery): Promise<{ list: ApplicationDto[]; totalCount: number }> {
      // Every app here is self-built; integrated (template) apps do not exist on this server.
      if (q.isIntegrateApp === true) return { list: [], totalCount: 0 };
      if (q.ssoEnabled === true) {
        // SSO is a per-app setting inside the settings JSON: filter after reading (pools have few apps).
        const all = await repo.list(poolId, { page: 1, limit: 10_000, keywords: q.keywords });
        const matching = all.rows.map(toApplicationDto).filter((a) => a.ssoEnabled);
        return { list: matching.slice((q.page - 1) * q.limit, q.page * q.limit), totalCount: matching.length };
      }
      const { rows, totalCount } = await repo.list(poolId, { page: q.page, limit: q.limit, keywords: q.keywords });
      return { list: rows.map(toApplicationDto), totalCount };
    },

    /** Partial update: absent fields keep their value; `oidcConfig` is merged field by field and re-validated whole. */
    async update(poolId: string, appId: string, input: ApplicationInput): Promise<ApplicationDto> {
      const row = await load(poolId, appId);
      const patch = buildColumns(appId, row.type, input, { row, settings: settingsOf(row), oidc: oidcOf(row) }, await spMetadataOf(input));
      await checkDestinations(input);
      await checkProfile(poolId, input);
      if (input.appIdentifier !== undefined && input.appIdentifier !== row.identifier) {
        checkIdentifier(input.appIdentifier);
        patch.identifier = input.appIdentifier;
      }
      patch.updated_at = nowIso();
      try {
        if (!(await repo.update(poolId, appId, patch))) throw new AppError('application.not_found');
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('application.already_exists', { cause: err });
        throw err;
      }
      changed(appId);
      return toApplicationDto(await load(poolId, appId));
    },

    async delete(poolId: string, appId: string): Promise<void> {
      const row = await load(poolId, appId);
      if (row.is_default === 1) throw new AppError('application.default_protected');
      if (!(await repo.delete(poolId, appId))) throw new AppError('application.not_found');
      changed(appId);
    },

    /** Subscribes to app changes; returns the unsubscribe function. */
    onChange(listener: (appId: string) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** The client secret in clear, for the vendor's get-application-secret. */
    async getSecret(poolId: string, appId: string): Promise<string> {
      const row = await load(poolId, appId);
      return box.open(row.secret_enc, context(appId));
    },

    /**
     * Constant-time check of a presented client secret against the stored keyed digest, without
     * decrypting. False for unknown apps, apps of other pools and wrong secrets alike.
     */
    async verifySecret(poolId: string, appId: string, presented: string): Promise<boolean> {
      const row = await hotRow(poolId, appId);
      const ok = safeEqual(box.digest(presented), row?.secret_digest ?? dummyDigest);
      return ok && row !== undefined;
    },

    /** Which pool an app id belongs to and how it authenticates (the authentication API's request context); null when unknown. */
    async locate(appId: string): Promise<{ poolId: string; appId: string; tokenEndpointAuthMethod: string } | null> {
      if (appId.length > 128) return null;
      const row = await hot.get(appId);
      return row ? { poolId: row.pool_id, appId: row.id, tokenEndpointAuthMethod: row.token_endpoint_auth_method } : null;
    },

    /** The client by its client_id (= appId) alone, for the OIDC layer; null when unknown. */
    async findClient(appId: string): Promise<{ poolId: string; app: ApplicationDto } | null> {
      if (appId.length > 128) return null;
      const row = await hot.get(appId);
      // The cached row's DTO, built once and shared (frozen): SAML, CAS and the login pages look the app up on every request.
      return row ? { poolId: row.pool_id, app: dtoOf(row) } : null;
    },

    /**
     * An application's settings as a sign-in reads them (registration methods, profile
     * completion): from this node's cache, frozen and shared — read, never change. Null when
     * the app is unknown in this pool.
     */
    async signInConfig(poolId: string, appId: string): Promise<ApplicationDto | null> {
      const row = await hotRow(poolId, appId);
      return row ? dtoOf(row) : null;
    },

    /** Drops an app from this node's cache (the invalidation bus calls it for every node's changes); undefined drops all. */
    invalidate(appId?: string) {
      hot.drop(appId);
    },
  };
}
export type ApplicationsService = ReturnType<typeof createApplicationsService>;
