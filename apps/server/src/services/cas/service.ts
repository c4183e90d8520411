import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../errors/app-error.js';
import type { KvStore } from '../../storage/kv/types.js';
import { scopedKv } from '../../storage/kv/scoped.js';
import type { ApplicationDto, ApplicationsService } from '../applications.js';
import type { EventService } from '../events/service.js';
import type { BrowserCookie, RequestInfo } from '../saml-idp/service.js';
import { casContinuation } from '../sso-protocols/continuation.js';
import type { SsoStore } from '../sso-protocols/store.js';
import type { SsoSessionBridge } from '../sso-protocols/types.js';
import { priorSession, signedInForRequest, type PriorSession } from '../sso-protocols/freshness.js';
import { serviceAllowed, type StoredCasConfig } from './config.js';

/**
 * Gatehouse as a CAS server (CAS Protocol 3.0; docs/cas.md). Login runs through the one SSO
 * session (sso-bridge.ts) exactly like SAML; service tickets live in the shared KV so any node
 * validates them, are bound to the app and to the exact service they were issued for, live
 * `ticketTtlSeconds` (10 s by default) and are gone after one validation attempt, successful or
 * not (CAS Protocol 3.0 §3.1.1).
 */
export interface CasServiceDeps {
  applications: Pick<ApplicationsService, 'findClient' | 'list'>;
  kv: KvStore;
  store: SsoStore;
  bridge: SsoSessionBridge;
  events: Pick<EventService, 'emit'>;
  publicUrl: string;
}

interface PendingCas {
  appId: string;
  service: string | null;
  renew: boolean;
  gateway: boolean;
  /** The browser's session when the request came in (sso-protocols/freshness.ts). */
  prior: PriorSession;
}

interface TicketRecord {
  appId: string;
  service: string;
  userId: string;
  authTime: number;
  fresh: boolean;
  amr: string[];
}

/** CAS Protocol 3.0 §2.5.3 error codes. */
export type CasFailureCode = 'INVALID_REQUEST' | 'INVALID_TICKET_SPEC' | 'INVALID_TICKET' | 'INVALID_SERVICE' | 'INTERNAL_ERROR';
export type ValidationResult = { ok: true; user: string; attributes: Record<string, unknown> } | { ok: false; code: CasFailureCode; description: string };

export const CAS_COOKIE_PREFIX = 'gh_cas_';
const TICKET_PATTERN = /^ST-[A-Za-z0-9_-]{32,256}$/;
const ticketKey = (ticket: string) => `cas:st:${createHash('sha256').update(ticket).digest('base64url')}`;

export function createCasService(deps: CasServiceDeps) {
  const pubPath = new URL(deps.publicUrl).pathname.replace(/\/+$/, '');

  async function appOf(poolId: string, appId: string): Promise<{ app: ApplicationDto; cfg: StoredCasConfig }> {
    const found = typeof appId === 'string' && appId.length <= 128 ? await deps.applications.findClient(appId) : null;
    if (!found || found.poolId !== poolId) throw new AppError('cas.unknown_app');
    if (!found.app.casProviderEnabled || !found.app.casConfig) throw new AppError('cas.not_enabled');
    return { app: found.app, cfg: found.app.casConfig };
  }

  const fail = (code: CasFailureCode, description: string): ValidationResult => ({ ok: false, code, description });

  return {
    appOf,

    /** `/login` (CAS Protocol 3.0 §2.1): the service must be registered, else an error page — never a redirect. */
    async beginLogin(poolId: string, appId: string, q: { service?: string | undefined; renew: boolean; gateway: boolean }, http: { req: IncomingMessage; res: ServerResponse }): Promise<{ redirect: string; cookie: BrowserCookie }> {
      const { cfg } = await appOf(poolId, appId);
      if (q.service !== undefined && !serviceAllowed(cfg, q.service)) throw new AppError('cas.service_not_allowed');
      const p: PendingCas = { appId, service: q.service ?? null, renew: q.renew, gateway: q.gateway && !q.renew, prior: await priorSession(deps.bridge, poolId, http) };
      const { handle, nonce, codeVerifier } = await deps.store.putPending(poolId, 'cas', p);
      const redirect = await deps.bridge.authorizationUrl(poolId, appId, {
        redirectUri: casContinuation(deps.publicUrl, appId),
        state: handle,
        codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
        // renew → prompt=login (§2.1.1: "single sign-on will be bypassed"); gateway → prompt=none (§2.1.1: never ask for credentials).
        prompt: p.renew ? 'login' : p.gateway ? 'none' : undefined,
      });
      return { redirect, cookie: { name: `${CAS_COOKIE_PREFIX}${handle.slice(0, 12)}`, value: nonce, path: `${pubPath}/cas-idp/${appId}/continue`, maxAgeSeconds: 600 } };
    },

    /** The authorization came back: a service ticket for the service, or the "signed in" page when none was named. */
    async finishLogin(poolId: string, appId: string, q: { code?: unknown; state?: unknown; error?: unknown }, nonce: unknown, request: RequestInfo): Promise<{ redirect: string } | { signedIn: true }> {
      const { cfg } = await appOf(poolId, appId);
      const p = await deps.store.takePending<PendingCas>(poolId, 'cas', q.state, nonce);
      if (!p || p.appId !== appId) throw new AppError('cas.session_expired');
      if (p.service !== null && !serviceAllowed(cfg, p.service)) throw new AppError('cas.service_not_allowed');
      if (typeof q.error === 'string') {
        // gateway (§2.1.1): without a session the browser returns to the service without a ticket.
        if (p.gateway && p.service !== null) return { redirect: p.service };
        throw new AppError('cas.session_expired');
      }
      if (typeof q.code !== 'string') throw new AppError('cas.session_expired');
      const login = await deps.bridge.redeem(poolId, appId, { code: q.code, redirectUri: casContinuation(deps.publicUrl, appId), codeVerifier: p.codeVerifier });
      const fresh = signedInForRequest(login, p, p.renew);
      if (p.renew && !fresh) throw new AppError('cas.session_expired');
      const claims = await deps.bridge.claims(poolId, login.userId);
      if (!claims) throw new AppError('cas.session_expired');
      if (!fresh) {
        // The `login` event rule (docs/cas.md, "Events"): a sign-in made for this request was recorded by the engine with protocol `cas`.
        await deps.events.emit('login', {
          poolId,
          actor: login.userId,
          subject: login.userId,
          ip: request.ip,
          userAgent: request.userAgent,
          requestId: request.requestId,
          data: { userId: login.userId, email: (claims.email as string | undefined) ?? null, phone: (claims.phone_number as string | undefined) ?? null, username: (claims.username as string | undefined) ?? null, appId, method: 'sso', amr: login.amr, protocol: 'cas' },
        });
      }
      if (p.service === null) return { signedIn: true };
      const ticket = `ST-${randomBytes(32).toString('base64url')}`;
      const rec: TicketRecord = { appId, service: p.service, userId: login.userId, authTime: login.authTime, fresh, amr: login.amr };
      await scopedKv(deps.kv, poolId).set(ticketKey(ticket), JSON.stringify(rec), cfg.ticketTtlSeconds * 1000);
      await deps.store.addParticipant(poolId, login.sessionUid, { protocol: 'cas', appId, service: p.service, ticket });
      // §2.2.4: the ticket is appended to the service URL as a query parameter.
      const u = new URL(p.service);
      u.searchParams.append('ticket', ticket);
      return { redirect: u.toString() };
    },

    /**
     * `/validate`, `/serviceValidate`, `/p3/serviceValidate`, `/proxyValidate` (§2.4–2.6): one
     * attempt per ticket; the service must be the one the ticket was issued for.
     */
    async validate(poolId: string, appId: string, q: { ticket?: unknown; service?: unknown; renew?: unknown }): Promise<ValidationResult> {
      const { cfg } = await appOf(poolId, appId);
      if (typeof q.ticket !== 'string' || q.ticket === '' || typeof q.service !== 'string' || q.service === '') return fail('INVALID_REQUEST', 'ticket and service are required');
      if (!q.ticket.startsWith('ST-')) return fail('INVALID_TICKET_SPEC', 'only service tickets (ST-) are validated here');
      if (!TICKET_PATTERN.test(q.ticket)) return fail('INVALID_TICKET', `ticket ${q.ticket.slice(0, 64)} not recognized`);
      const raw = await scopedKv(deps.kv, poolId).take(ticketKey(q.ticket));
      if (!raw) return fail('INVALID_TICKET', `ticket ${q.ticket.slice(0, 64)} not recognized`);
      const t = JSON.parse(raw) as TicketRecord;
      if (t.appId !== appId) return fail('INVALID_TICKET', `ticket ${q.ticket.slice(0, 64)} not recognized`);
      if (t.service !== q.service) return fail('INVALID_SERVICE', 'the ticket was issued for another service');
      if (q.renew === 'true' && !t.fresh) return fail('INVALID_TICKET', 'the ticket did not come from a fresh sign-in (renew)');
      const claims = await deps.bridge.claims(poolId, t.userId);
      if (!claims) return fail('INVALID_TICKET', 'the account is no longer active');
      const user = cfg.userIdSource === 'id' ? t.userId : claims[cfg.userIdSource === 'email' ? 'email' : 'username'];
      if (typeof user !== 'string' || user === '') return fail('INTERNAL_ERROR', `the user has no ${cfg.userIdSource}`);
      const attributes: Record<string, unknown> = {};
      for (const a of cfg.attributes) {
        const v = a === 'id' ? t.userId : claims[a];
        if (v !== undefined && v !== null) attributes[a] = v;
      }
      // CAS 3.0 Appendix: authentication facts.
      attributes.isFromNewLogin = t.fresh;
      attributes.authenticationDate = new Date(t.authTime * 1000).toISOString();
      attributes.longTermAuthenticationRequestTokenUsed = false;
      return { ok: true, user, attributes };
    },

    /** Where `/logout?url=` (or `service=`) may send the browser: a service registered for a CAS app of the pool, or an app's logout redirect URI. */
    async logoutTarget(poolId: string, url: unknown): Promise<string | null> {
      if (typeof url !== 'string' || url === '' || url.length > 2048) return null;
      const { list } = await deps.applications.list(poolId, { page: 1, limit: 1000 });
      for (const a of list) {
        if (a.logoutRedirectUris.includes(url)) return url;
        if (a.casProviderEnabled && a.casConfig && serviceAllowed(a.casConfig, url)) return url;
      }
      return null;
    },
  };
}
export type CasService = ReturnType<typeof createCasService>;
