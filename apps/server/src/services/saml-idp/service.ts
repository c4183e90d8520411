import { createHash, createSign, randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { AppError } from '../../errors/app-error.js';
import type { ApplicationDto, ApplicationsService } from '../applications.js';
import type { EventService } from '../events/service.js';
import { samlContinuation } from '../sso-protocols/continuation.js';
import type { Participant, SsoStore } from '../sso-protocols/store.js';
import type { SsoSessionBridge } from '../sso-protocols/types.js';
import { priorSession, signedInForRequest, type PriorSession } from '../sso-protocols/freshness.js';
import { BINDING, NAMEID_FORMATS, pickAcs, SIGNATURE_ALGORITHMS, type StoredSamlConfig } from './config.js';
import type { SamlKeysService, SigningKey } from './keys.js';
import { idpMetadata, logoutRequest, logoutResponse } from './messages.js';
import { authnRequestFields, logoutRequestFields, logoutResponseFields, readMessage, type Incoming } from './request.js';
import { buildAssertion, buildResponse, MFA_CLASSES, nameIdOf, STATUS } from './response.js';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Gatehouse as a SAML 2.0 identity provider (docs/saml.md). Routes parse HTTP and render pages;
 * this service decides. Every trust decision is here:
 *  - an unknown application, a disabled one, an unknown issuer or an unregistered ACS address
 *    is an error page, never a POST (the answer goes only to a registered address);
 *  - the user comes from the one SSO session (sso-bridge.ts), through the hosted login when
 *    needed, so the sign-in engine's policy (lockout, MFA …) applies per application;
 *  - assertions are signed with the pool's key, addressed (Destination, Recipient, Audience,
 *    InResponseTo) and short-lived (NotBefore/NotOnOrAfter).
 */
export interface SamlServiceDeps {
  applications: Pick<ApplicationsService, 'findClient' | 'list'>;
  keys: SamlKeysService;
  store: SsoStore;
  bridge: SsoSessionBridge;
  events: Pick<EventService, 'emit'>;
  publicUrl: string;
  /** Per-pool key for pairwise persistent NameIDs. */
  pairwiseKey(poolId: string): string;
}

export interface PostForm {
  action: string;
  fields: Record<string, string>;
}
export interface BrowserCookie {
  name: string;
  value: string;
  path: string;
  maxAgeSeconds: number;
}

interface PendingSaml {
  appId: string;
  requestId: string | null;
  acsUrl: string;
  relayState?: string;
  forceAuthn: boolean;
  isPassive: boolean;
  requireMfa: boolean;
  /** The browser's session when the request came in (sso-protocols/freshness.ts). */
  prior: PriorSession;
}

interface LogoutChain {
  /** Service providers still to be told, in order. */
  todo: Array<Extract<Participant, { protocol: 'saml' }>>;
  /** The LogoutRequest currently out (its ID), to match the answer. */
  waiting?: { appId: string; requestId: string };
  /** Where the browser goes at the end. */
  final: { kind: 'saml'; appId: string; inResponseTo: string; relayState?: string } | { kind: 'redirect'; url: string } | { kind: 'page' };
  partial: boolean;
}

export type LogoutFinal = LogoutChain['final'];
export type LogoutStep = { kind: 'redirect'; url: string } | { kind: 'post'; form: PostForm } | { kind: 'page'; partial: boolean };

export const COOKIE_PREFIX = 'gh_saml_';
/** Who asked (for events). */
export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}
const https = (u: string) => u.startsWith('https:');

export function createSamlService(deps: SamlServiceDeps) {
  const pubPath = new URL(deps.publicUrl).pathname.replace(/\/+$/, '');

  /** The app and its SAML settings, when it belongs to `poolId` and SAML is on. */
  async function appOf(poolId: string, appId: string): Promise<{ app: ApplicationDto; cfg: StoredSamlConfig }> {
    const found = typeof appId === 'string' && appId.length <= 128 ? await deps.applications.findClient(appId) : null;
    if (!found || found.poolId !== poolId) throw new AppError('saml.unknown_app');
    if (!found.app.samlProviderEnabled || !found.app.samlConfig) throw new AppError('saml.not_enabled');
    return { app: found.app, cfg: found.app.samlConfig };
  }

  async function endpoints(poolId: string, appId: string) {
    const base = await deps.bridge.poolBase(poolId);
    const sso = `${base}/api/v2/saml-idp/${appId}`;
    return { entityId: sso, sso, slo: `${sso}/slo`, metadata: `${sso}/metadata` };
  }

  /** Destinations a message to this app's endpoints may name: the pool's own base, and the other mount of the same path. */
  async function destinations(poolId: string, appId: string, which: 'sso' | 'slo'): Promise<string[]> {
    const e = await endpoints(poolId, appId);
    return [e[which]];
  }

  async function startAuthorization(poolId: string, appId: string, p: PendingSaml): Promise<{ redirect: string; cookie: BrowserCookie }> {
    const redirectUri = samlContinuation(deps.publicUrl, appId);
    const { handle, nonce, codeVerifier } = await deps.store.putPending(poolId, 'saml', p);
    const redirect = await deps.bridge.authorizationUrl(poolId, appId, {
      redirectUri,
      state: handle,
      codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      // ForceAuthn → prompt=login, IsPassive → prompt=none (SAML Core §3.4.1; OIDC Core §3.1.2.1).
      prompt: p.forceAuthn ? 'login' : p.isPassive ? 'none' : undefined,
      // A request for a multi-factor class asks the OIDC side for it (the PAPE multi-factor policy).
      acrValues: p.requireMfa ? 'http://schemas.openid.net/pape/policies/2007/06/multi-factor' : undefined,
    });
    return { redirect, cookie: { name: `${COOKIE_PREFIX}${handle.slice(0, 12)}`, value: nonce, path: `${pubPath}/api/v2/saml-idp/${appId}/continue`, maxAgeSeconds: 600 } };
  }

  async function signingKey(poolId: string): Promise<SigningKey> {
    return deps.keys.signing(poolId);
  }

  /** A SAML error Response to a registered ACS address (the request got that far: we know where to answer). */
  async function errorResponse(poolId: string, appId: string, cfg: StoredSamlConfig, to: { acsUrl: string; requestId: string | null; relayState?: string | undefined }, status: string, subStatus?: string): Promise<PostForm> {
    const e = await endpoints(poolId, appId);
    const xml = buildResponse({ idpEntityId: e.entityId, cfg, acsUrl: to.acsUrl, inResponseTo: to.requestId, status, ...(subStatus ? { subStatus } : {}), key: await signingKey(poolId) });
    return { action: to.acsUrl, fields: { SAMLResponse: Buffer.from(xml).toString('base64'), ...(to.relayState ? { RelayState: to.relayState } : {}) } };
  }

  /** A message to a service provider over HTTP-Redirect, signed over the query (SAML Bindings §3.4.4.1). */
  function redirectBinding(destination: string, param: 'SAMLRequest' | 'SAMLResponse', xml: string, relayState: string | undefined, key: SigningKey, algorithm: string): string {
    const q = [`${param}=${encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'))}`];
    if (relayState) q.push(`RelayState=${encodeURIComponent(relayState)}`);
    q.push(`SigAlg=${encodeURIComponent(algorithm)}`);
    const signer = createSign(algorithm === SIGNATURE_ALGORITHMS['rsa-sha512'] ? 'sha512' : 'sha256');
    signer.update(q.join('&'));
    q.push(`Signature=${encodeURIComponent(signer.sign(key.privateKey, 'base64'))}`);
    return `${destination}${destination.includes('?') ? '&' : '?'}${q.join('&')}`;
  }

  return {
    endpoints,

    async metadata(poolId: string, appId: string): Promise<string> {
      const { cfg } = await appOf(poolId, appId);
      return idpMetadata(await endpoints(poolId, appId), await deps.keys.published(poolId), { wantAuthnRequestsSigned: cfg.requireSignedRequests });
    },

    /**
     * An AuthnRequest (SP-initiated SSO). Errors before the ACS address is known are thrown (the
     * route shows an error page); after, a SAML error Response goes to the registered address.
     */
    async beginSso(poolId: string, appId: string, incoming: Incoming, http: { req: IncomingMessage; res: ServerResponse }): Promise<{ redirect: string; cookie: BrowserCookie } | { post: PostForm }> {
      const { cfg } = await appOf(poolId, appId);
      const m = readMessage('AuthnRequest', incoming, cfg, await destinations(poolId, appId, 'sso'));
      const f = authnRequestFields(m);
      const acs = pickAcs(cfg, { url: f.acsUrl, index: f.acsIndex });
      if (!acs) throw new AppError('saml.acs_not_registered');
      const to = { acsUrl: acs.url, requestId: m.id, relayState: incoming.relayState };
      // NameIDPolicy (SAML Core §3.4.1.1): what we can issue is the configured format (or unspecified, which lets us choose).
      if (f.nameIdFormat && f.nameIdFormat !== NAMEID_FORMATS.unspecified && f.nameIdFormat !== cfg.nameIdFormat) {
        return { post: await errorResponse(poolId, appId, cfg, to, STATUS.requester, STATUS.invalidNameIdPolicy) };
      }
      const rac = f.requestedAuthnContext;
      const requireMfa = rac !== null && rac.classRefs.length > 0 && rac.classRefs.every((c) => MFA_CLASSES.has(c)) && rac.comparison !== 'maximum';
      return startAuthorization(poolId, appId, { appId, requestId: m.id, acsUrl: acs.url, ...(incoming.relayState ? { relayState: incoming.relayState } : {}), forceAuthn: f.forceAuthn, isPassive: f.isPassive, requireMfa, prior: await priorSession(deps.bridge, poolId, http) });
    },

    /** IdP-initiated SSO (SAML Profiles §4.1.5): only when the app allows it; unsolicited, to the default ACS. */
    async beginIdpInitiated(poolId: string, appId: string, relayState: string | undefined, http: { req: IncomingMessage; res: ServerResponse }): Promise<{ redirect: string; cookie: BrowserCookie }> {
      const { cfg } = await appOf(poolId, appId);
      if (!cfg.allowIdpInitiated) throw new AppError('saml.idp_initiated_disabled');
      if (relayState !== undefined && Buffer.byteLength(relayState) > 80) throw new AppError('saml.request_malformed', { params: { reason: 'RelayState is longer than 80 bytes' } });
      const acs = pickAcs(cfg, {})!;
      return startAuthorization(poolId, appId, { appId, requestId: null, acsUrl: acs.url, ...(relayState ? { relayState } : {}), forceAuthn: false, isPassive: false, requireMfa: false, prior: await priorSession(deps.bridge, poolId, http) });
    },

    /** The authorization came back: the assertion (or a SAML error status) for the registered ACS address. */
    async finishSso(poolId: string, appId: string, q: { code?: unknown; state?: unknown; error?: unknown }, nonce: unknown, request: RequestInfo): Promise<PostForm> {
      const { cfg } = await appOf(poolId, appId);
      const p = await deps.store.takePending<PendingSaml>(poolId, 'saml', q.state, nonce);
      if (!p || p.appId !== appId) throw new AppError('saml.session_expired');
      const to = { acsUrl: p.acsUrl, requestId: p.requestId, relayState: p.relayState };
      // The registered address may have been removed while the user signed in.
      if (!cfg.acsUrls.some((a) => a.url === p.acsUrl)) throw new AppError('saml.acs_not_registered');
      if (typeof q.error === 'string') {
        if (q.error === 'login_required' || q.error === 'interaction_required' || q.error === 'consent_required') return errorResponse(poolId, appId, cfg, to, STATUS.responder, p.isPassive ? STATUS.noPassive : STATUS.authnFailed);
        if (q.error === 'access_denied') return errorResponse(poolId, appId, cfg, to, STATUS.responder, STATUS.requestDenied);
        return errorResponse(poolId, appId, cfg, to, STATUS.responder, STATUS.authnFailed);
      }
      if (typeof q.code !== 'string') throw new AppError('saml.session_expired');
      const login = await deps.bridge.redeem(poolId, appId, { code: q.code, redirectUri: samlContinuation(deps.publicUrl, appId), codeVerifier: p.codeVerifier });
      const fresh = signedInForRequest(login, p, p.forceAuthn);
      // ForceAuthn: the user must have authenticated for this request (prompt=login made them; checked, not assumed).
      if (p.forceAuthn && !fresh) return errorResponse(poolId, appId, cfg, to, STATUS.responder, STATUS.authnFailed);
      if (p.requireMfa && !login.amr.includes('mfa')) return errorResponse(poolId, appId, cfg, to, STATUS.responder, STATUS.noAuthnContext);
      const claims = await deps.bridge.claims(poolId, login.userId);
      if (!claims) return errorResponse(poolId, appId, cfg, to, STATUS.responder, STATUS.authnFailed);
      const user = { id: login.userId, claims };

      const transientId = cfg.nameIdFormat === NAMEID_FORMATS.transient ? `_${randomBytes(16).toString('hex')}` : undefined;
      const nameId = nameIdOf(cfg, user, transientId, deps.pairwiseKey(poolId));
      if (!nameId) return errorResponse(poolId, appId, cfg, to, STATUS.requester, STATUS.invalidNameIdPolicy);
      const participant = await deps.store.addParticipant(poolId, login.sessionUid, { protocol: 'saml', appId, nameId, nameIdFormat: cfg.nameIdFormat, sessionIndex: `_${randomBytes(16).toString('hex')}` });
      const e = await endpoints(poolId, appId);
      const key = await signingKey(poolId);
      const assertion = await buildAssertion({
        idpEntityId: e.entityId,
        cfg,
        acsUrl: p.acsUrl,
        inResponseTo: p.requestId,
        user,
        // The NameID this SP got first in this session (a transient one stays the same until logout).
        nameId: (participant as Extract<Participant, { protocol: 'saml' }>).nameId,
        authTime: login.authTime,
        amr: login.amr,
        acr: login.acr,
        sessionIndex: (participant as Extract<Participant, { protocol: 'saml' }>).sessionIndex,
        https: https(deps.publicUrl),
        key,
      });
      const xml = buildResponse({ idpEntityId: e.entityId, cfg, acsUrl: p.acsUrl, inResponseTo: p.requestId, status: STATUS.success, assertion, key });
      // The `login` event (docs/saml.md, "Events"): a sign-in made for this request was already
      // recorded by the sign-in engine with protocol `saml`; reusing an existing session is
      // recorded here, once per assertion, as method `sso`.
      if (!fresh) {
        await deps.events.emit('login', {
          poolId,
          actor: user.id,
          subject: user.id,
          ip: request.ip,
          userAgent: request.userAgent,
          requestId: request.requestId,
          data: { userId: user.id, email: (claims.email as string | undefined) ?? null, phone: (claims.phone_number as string | undefined) ?? null, username: (claims.username as string | undefined) ?? null, appId, method: 'sso', amr: login.amr, protocol: 'saml' },
        });
      }
      return { action: p.acsUrl, fields: { SAMLResponse: Buffer.from(xml).toString('base64'), ...(p.relayState ? { RelayState: p.relayState } : {}) } };
    },

    /**
     * A message at the SLO endpoint: a LogoutRequest from this SP (it starts single logout), or a
     * LogoutResponse from it (a step of a logout we are running).
     */
    async sloMessage(poolId: string, appId: string, incoming: Incoming & { kind: 'request' | 'response' }, http: { req: IncomingMessage; res: ServerResponse }, request: RequestInfo): Promise<LogoutStep> {
      const { cfg } = await appOf(poolId, appId);
      const dests = await destinations(poolId, appId, 'slo');
      if (incoming.kind === 'request') {
        const m = readMessage('LogoutRequest', incoming, cfg, dests);
        logoutRequestFields(m); // well-formed; the browser's own session is what ends, whatever NameID it names
        return this.singleLogout(poolId, http, request, { kind: 'saml', appId, inResponseTo: m.id, ...(incoming.relayState ? { relayState: incoming.relayState } : {}) }, appId);
      }
      const m = readMessage('LogoutResponse', incoming, cfg, dests);
      const f = logoutResponseFields(m);
      const chain = await deps.store.takeLogout<LogoutChain>(poolId, incoming.relayState);
      if (!chain || chain.waiting?.appId !== appId || chain.waiting.requestId !== f.inResponseTo) throw new AppError('saml.session_expired');
      delete chain.waiting;
      if (!f.success) chain.partial = true;
      return next(poolId, chain);
    },

    /**
     * Single logout (SAML Profiles §4.4; front-channel): ends the browser's SSO session (every
     * OIDC grant of it too), then visits each other SAML service provider of the session that has
     * an SLO address, then answers the initiator. `except` is the initiating SP (not told again).
     */
    async singleLogout(poolId: string, http: { req: IncomingMessage; res: ServerResponse }, request: RequestInfo, final: LogoutFinal, except?: string): Promise<LogoutStep> {
      const ended = await deps.bridge.endSession(poolId, http.req, http.res);
      const participants = ended ? await deps.store.takeParticipants(poolId, ended.uid) : [];
      if (ended) {
        await deps.events.emit('session:ended', { poolId, actor: ended.accountId, subject: ended.accountId, ip: request.ip, userAgent: request.userAgent, requestId: request.requestId, data: { userId: ended.accountId, via: final.kind === 'saml' ? 'saml' : final.kind === 'redirect' ? 'cas' : 'logout', participants: participants.length } });
      }
      const todo = participants.filter((p): p is Extract<Participant, { protocol: 'saml' }> => p.protocol === 'saml' && p.appId !== except);
      return next(poolId, { todo, final, partial: false });
    },
  };

  async function next(poolId: string, chain: LogoutChain): Promise<LogoutStep> {
    while (chain.todo.length) {
      const p = chain.todo.shift()!;
      const found = await deps.applications.findClient(p.appId);
      const cfg = found?.poolId === poolId && found.app.samlProviderEnabled ? found.app.samlConfig : undefined;
      if (!cfg?.sloUrl) continue; // nothing to tell an SP without an SLO address
      const e = await endpoints(poolId, p.appId);
      const key = await deps.keys.signing(poolId);
      const msg = logoutRequest({ idpEntityId: e.entityId, cfg, destination: cfg.sloUrl, nameId: p.nameId, nameIdFormat: p.nameIdFormat, sessionIndex: p.sessionIndex, key });
      chain.waiting = { appId: p.appId, requestId: msg.id };
      const handle = await deps.store.putLogout(poolId, chain);
      if (cfg.sloBinding === BINDING.post) return { kind: 'post', form: { action: cfg.sloUrl, fields: { SAMLRequest: Buffer.from(msg.xml).toString('base64'), RelayState: handle } } };
      return { kind: 'redirect', url: redirectBinding(cfg.sloUrl, 'SAMLRequest', msg.xml, handle, key, cfg.signatureAlgorithm) };
    }
    const f = chain.final;
    if (f.kind === 'redirect') return { kind: 'redirect', url: f.url };
    if (f.kind === 'page') return { kind: 'page', partial: chain.partial };
    const found = await deps.applications.findClient(f.appId);
    const cfg = found?.poolId === poolId && found.app.samlProviderEnabled ? found.app.samlConfig : undefined;
    if (!cfg?.sloUrl) return { kind: 'page', partial: chain.partial };
    const e = await endpoints(poolId, f.appId);
    const key = await deps.keys.signing(poolId);
    const xml = logoutResponse({ idpEntityId: e.entityId, cfg, destination: cfg.sloUrl, inResponseTo: f.inResponseTo, status: STATUS.success, key });
    if (cfg.sloBinding === BINDING.post) return { kind: 'post', form: { action: cfg.sloUrl, fields: { SAMLResponse: Buffer.from(xml).toString('base64'), ...(f.relayState ? { RelayState: f.relayState } : {}) } } };
    return { kind: 'redirect', url: redirectBinding(cfg.sloUrl, 'SAMLResponse', xml, f.relayState, key, cfg.signatureAlgorithm) };
  }
}
export type SamlService = ReturnType<typeof createSamlService>;
