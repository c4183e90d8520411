import { createHash } from 'node:crypto';
import { AppError, isAppError } from '../../errors/app-error.js';
import { ConnectorError, hasAlipay, type EmbeddedLoginManifest, type SocialConnector } from '@gatehouse/connector-kit';
import type { ConnectionView, ConnectionWithSecrets } from '../../services/identity-sources/types.js';
import type { UserDto } from '../../services/users.js';
import { urlSafeSecret } from '../../utils/ids.js';
import { challengeError } from '../engine/challenge-error.js';
import type { SignInEngine } from '../engine/engine.js';
import type { FinishTarget, RequestInfo, SignInResult } from '../engine/types.js';
import type { FlowOutcome, LoginUi } from '../login-ui/service.js';
import type { UiFlow } from '../login-ui/store.js';
import type { IdentityDto } from '../../services/identity-sources/identities.js';
import type { LinkTickets } from './link-tickets.js';
import type { CompleteLink } from './link.js';
import { SOCIAL_STATE_TTL_MS, type SocialMode, type SocialStateStore } from './state.js';

/**
 * What the browser gets at the end of a popup round trip (authing-js-sdk's `social.authorize()`
 * message): the user with tokens (code 200); a sign-in that waits for a step, with the step's
 * data as /api/v3 answers it (apiCode 1635/1636, `mfaToken`); or a refusal (`data` null).
 */
export interface PopupResult {
  code: number;
  message: string;
  apiCode?: number;
  data: (UserDto & { token: string; tokens: Record<string, unknown> }) | Record<string, unknown> | null;
}

export type CallbackOutcome =
  | { kind: 'popup'; result: PopupResult; appId: string; poolId: string; redirectUrl?: string | undefined }
  | { kind: 'login-ui'; outcome: FlowOutcome | null; error?: AppError; handle: string; flow: UiFlow | null }
  | { kind: 'link'; result: LinkResult; appId: string; poolId: string };

/** What a link round trip posts to its opener: the user's identities, or the refusal. */
export interface LinkResult {
  code: number;
  message: string;
  apiCode?: number;
  data: IdentityDto[] | null;
}

export interface SocialRoundTripDeps {
  engine: SignInEngine;
  loginUi: Pick<LoginUi, 'loadChecked' | 'load' | 'finishExternal'>;
  states: SocialStateStore;
  connectionByIdentifier(poolId: string, identifier: string): Promise<ConnectionView | undefined>;
  connectionWithSecrets(poolId: string, id: string): Promise<ConnectionWithSecrets | undefined>;
  isEnabledForApp(poolId: string, connId: string, appId: string): Promise<boolean>;
  connector(conn: ConnectionWithSecrets): SocialConnector;
  callbackUrl(identifier: string): string;
  /** GATEHOUSE_UPSTREAM_OVERRIDES applied to the browser redirect (tests, special deployments). */
  rewrite(url: string): string;
  /** Whether a redirect URL is registered on the application (its sign-in redirect URIs). */
  redirectAllowed(poolId: string, appId: string, url: string): Promise<boolean>;
  user(poolId: string, userId: string): Promise<UserDto>;
  tickets: LinkTickets;
  completeLink: CompleteLink;
  /** The hosted confirmation page of a link ticket. */
  linkUrl(identifier: string, ticket: string): string;
  /** How the login UI frames the connection's vendor page, when it does (manifest `embed` and `display: 'embedded'`). */
  embedOf(conn: ConnectionView): EmbeddedLoginManifest | undefined;
}

/** What the login page needs to frame a vendor login page (`POST /connections/social/<identifier>/embed`). */
export interface EmbeddedStart {
  /** The framed page (upstream overrides applied). */
  url: string;
  /** Its origin: the only sender the page accepts a message from, and the page's CSP `frame-src`. */
  origin: string;
  /** The round trip's state: a message carrying another state is ignored. */
  state: string;
  /** Gatehouse's callback URL for this connection: the only place the page sends the browser. */
  callbackUrl: string;
  delivery: EmbeddedLoginManifest['delivery'];
  width: number;
  height: number;
}

/**
 * The browser round trip to an identity provider (docs/identity-providers.md "Signing in"):
 *
 *   start   → checks the connection is enabled for the app, keeps state + PKCE verifier + nonce
 *             (single-use, browser-bound, 10 min), answers the provider's authorization URL;
 *   callback→ takes the state once (refusing a forged, replayed, expired or foreign one), then
 *             signs in through the engine with the `social` method, which exchanges the code;
 *   mobile  → `signin-by-mobile`: a native app's code, straight to the engine.
 *
 * Every sign-in runs the one engine (hooks, steps such as MFA, history, events, the one finish).
 */
export function createSocialRoundTrip(deps: SocialRoundTripDeps) {
  async function enabledConnection(poolId: string, appId: string, identifier: string): Promise<ConnectionWithSecrets> {
    const view = await deps.connectionByIdentifier(poolId, identifier);
    if (!view) throw new AppError('federation.connection_not_found');
    if (!(await deps.isEnabledForApp(poolId, view.id, appId))) throw new AppError('federation.connection_disabled');
    const conn = await deps.connectionWithSecrets(poolId, view.id);
    if (!conn || conn.kind !== 'social') throw new AppError('federation.connection_not_found');
    return conn;
  }

  async function begin(poolId: string, appId: string, identifier: string, mode: SocialMode, browser: string, embedded = false): Promise<string> {
    return (await beginWithState(poolId, appId, identifier, mode, browser, embedded)).url;
  }

  async function beginWithState(poolId: string, appId: string, identifier: string, mode: SocialMode, browser: string, embedded: boolean): Promise<{ url: string; state: string; redirectUri: string; conn: ConnectionWithSecrets }> {
    const conn = await enabledConnection(poolId, appId, identifier);
    const state = urlSafeSecret(32);
    const nonce = urlSafeSecret(24);
    const codeVerifier = urlSafeSecret(48); // 64 characters of RFC 7636 §4.1's unreserved set
    const codeChallenge = createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
    const redirectUri = deps.callbackUrl(conn.identifier);
    let url: string;
    try {
      url = await deps.connector(conn).authorizationUrl({ state, nonce, codeChallenge, redirectUri, ...(embedded ? { embedded } : {}) });
    } catch (err) {
      if (isAppError(err)) throw err;
      // Discovery failed (provider down) or the stored fields no longer validate.
      throw new AppError('federation.upstream_unavailable', { cause: err });
    }
    await deps.states.save(state, { poolId, appId, connectionId: conn.id, identifier: conn.identifier, redirectUri, codeVerifier, nonce, browser: deps.states.browserDigest(browser), mode, expiresAt: Date.now() + SOCIAL_STATE_TTL_MS });
    return { url: deps.rewrite(url), state, redirectUri, conn };
  }

  function popupError(err: AppError): PopupResult {
    return { code: err.status, apiCode: err.apiCode, message: err.code, data: null };
  }

  /** Where a round trip started and which connection it runs (a callback's state, a scanned QR code). */
  async function signInAs(st: { poolId: string; appId: string; connectionId: string; identifier: string; mode: Exclude<SocialMode, { kind: 'link' }> }, input: Record<string, unknown>, request: RequestInfo, o: { leftPage: boolean } = { leftPage: false }): Promise<CallbackOutcome> {
    const flow = st.mode.kind === 'login-ui' ? await deps.loginUi.load(st.mode.handle).catch(() => null) : null;
    if (st.mode.kind === 'login-ui' && !flow) return { kind: 'login-ui', outcome: null, error: new AppError('login.flow_invalid'), handle: st.mode.handle, flow: null };
    const target: FinishTarget = flow ? (flow.mode === 'interaction' ? { kind: 'interaction' } : { kind: 'tokens', ...(flow.scope ? { scope: flow.scope } : {}) }) : { kind: 'tokens' };
    const protocol = flow ? (flow.mode === 'interaction' ? (flow.interaction?.protocol ?? 'oidc') : 'element') : 'social-popup';
    let r: SignInResult;
    try {
      r = await deps.engine.signIn({
        poolId: st.poolId,
        appId: st.appId,
        method: 'social',
        input,
        request,
        protocol,
        // The page's MFA hints (acr_values=mfa, remembered devices) apply as to its password sign-in.
        options: { historyLabel: `social:${st.identifier}`, ...(st.mode.kind === 'popup' && st.mode.context ? { context: st.mode.context } : {}), ...(flow?.mfa ? { mfa: flow.mfa } : {}) },
        target,
      });
    } catch (err) {
      if (!isAppError(err)) throw err;
      if (st.mode.kind === 'login-ui') return { kind: 'login-ui', outcome: null, error: err, handle: st.mode.handle, flow };
      return { kind: 'popup', result: popupError(err), appId: st.appId, poolId: st.poolId, redirectUrl: st.mode.redirectUrl };
    }
    if (st.mode.kind === 'login-ui') return { kind: 'login-ui', outcome: await deps.loginUi.finishExternal(st.mode.handle, r, { via: st.connectionId, park: o.leftPage && flow?.mode === 'interaction' }), handle: st.mode.handle, flow };
    if (r.status === 'challenge') {
      // The vendor's answer to a sign-in that waits for a step (e.g. 1635 with `mfaToken`), as
      // /api/v3 gives it: the opener continues at /api/v3/mfa/verify (docs/mfa.md "The direct API").
      const err = challengeError(r);
      return { kind: 'popup', result: { code: err.status, apiCode: err.apiCode, message: err.code, data: err.data ?? {} }, appId: st.appId, poolId: st.poolId, redirectUrl: st.mode.redirectUrl };
    }
    if (r.kind !== 'tokens') throw new Error('a popup sign-in finishes with tokens');
    const user = await deps.user(st.poolId, r.userId);
    return {
      kind: 'popup',
      result: { code: 200, message: '', data: { ...user, token: r.tokens.id_token ?? r.tokens.access_token, tokens: { ...r.tokens } } },
      appId: st.appId,
      poolId: st.poolId,
      redirectUrl: st.mode.redirectUrl,
    };
  }

  return {
    /** A popup or redirect round trip for an application (the app's own page opened it). */
    async startPopup(e: { poolId: string; appId: string; identifier: string; redirectUrl?: string | undefined; context?: Record<string, unknown> | undefined; browser: string }): Promise<string> {
      if (e.redirectUrl && !(await deps.redirectAllowed(e.poolId, e.appId, e.redirectUrl))) throw new AppError('federation.redirect_not_allowed');
      return begin(e.poolId, e.appId, e.identifier, { kind: 'popup', ...(e.redirectUrl ? { redirectUrl: e.redirectUrl } : {}), ...(e.context ? { context: e.context } : {}) }, e.browser);
    },

    /** A connection button of the login UI: the page's flow (handle + anti-forgery token) names the app and where it finishes. */
    async startFromLoginUi(e: { handle: unknown; csrf: unknown; identifier: string; browser: string }): Promise<string> {
      const flow = await deps.loginUi.loadChecked(e.handle, e.csrf);
      return begin(flow.poolId, flow.appId, e.identifier, { kind: 'login-ui', handle: e.handle as string }, e.browser);
    },

    /**
     * The vendor login page framed inside the login UI (a connection whose manifest has `embed`
     * and whose fields say `display: 'embedded'`): the same single-use, browser-bound state as a
     * button's round trip, and what the page needs to draw the frame and to check what comes back
     * (the frame's origin, the state, the callback it may open).
     */
    async startEmbeddedFromLoginUi(e: { handle: unknown; csrf: unknown; identifier: string; browser: string }): Promise<EmbeddedStart> {
      const flow = await deps.loginUi.loadChecked(e.handle, e.csrf);
      const view = await deps.connectionByIdentifier(flow.poolId, e.identifier);
      const embed = view ? deps.embedOf(view) : undefined;
      if (!view || !embed) throw new AppError('federation.connection_not_found');
      const r = await beginWithState(flow.poolId, flow.appId, e.identifier, { kind: 'login-ui', handle: e.handle as string }, e.browser, true);
      return { url: r.url, origin: new URL(r.url).origin, state: r.state, callbackUrl: r.redirectUri, delivery: embed.delivery, width: embed.width, height: embed.height };
    },

    /** `generate-link-extidp-url`: a link ticket for a signed-in user, as the URL of its hosted confirmation. */
    async issueLink(e: { poolId: string; appId: string; userId: string; identifier: string }): Promise<string> {
      const conn = await enabledConnection(e.poolId, e.appId, e.identifier);
      const ticket = await deps.tickets.issue({ poolId: e.poolId, appId: e.appId, userId: e.userId, connectionId: conn.id, identifier: conn.identifier });
      return deps.linkUrl(conn.identifier, ticket);
    },

    /** What the confirmation page shows: the account and the connection (the ticket stays valid). */
    async linkDetails(identifier: string, ticket: unknown): Promise<{ user: UserDto; connectionName: string }> {
      const t = await deps.tickets.peek(ticket);
      if (t.identifier !== identifier) throw new AppError('federation.state_invalid');
      const view = await deps.connectionByIdentifier(t.poolId, identifier);
      if (!view) throw new AppError('federation.connection_not_found');
      return { user: await deps.user(t.poolId, t.userId), connectionName: view.displayName };
    },

    /** The user confirmed: the ticket is spent and the round trip to the provider starts. */
    async startLink(e: { identifier: string; ticket: unknown; browser: string }): Promise<string> {
      const t = await deps.tickets.take(e.ticket);
      if (t.identifier !== e.identifier) throw new AppError('federation.state_invalid');
      return begin(t.poolId, t.appId, t.identifier, { kind: 'link', userId: t.userId }, e.browser);
    },

    /**
     * The provider's answer. Throws `federation.state_invalid` before anything else when the
     * state is not this browser's pending one; after that, failures are part of the outcome so
     * the page can show them where the sign-in started.
     */
    async callback(e: { identifier: string; params: Record<string, string>; browser: string | undefined; request: RequestInfo }): Promise<CallbackOutcome> {
      // SAML carries the state as RelayState (SAML 2.0 Bindings §3.4.3, §3.5.3).
      const st = await deps.states.take(e.params.state ?? e.params.RelayState, e.browser);
      if (st.identifier !== e.identifier) throw new AppError('federation.state_invalid');
      if (st.mode.kind === 'link') {
        const callback = { params: e.params, redirectUri: st.redirectUri, codeVerifier: st.codeVerifier, nonce: st.nonce };
        try {
          const identities = await deps.completeLink({ poolId: st.poolId, connectionId: st.connectionId, userId: st.mode.userId, callback, request: e.request });
          return { kind: 'link', result: { code: 200, message: '', data: identities }, appId: st.appId, poolId: st.poolId };
        } catch (err) {
          if (!isAppError(err)) throw err;
          return { kind: 'link', result: { code: err.status, apiCode: err.apiCode, message: err.code, data: null }, appId: st.appId, poolId: st.poolId };
        }
      }
      // The browser left the login page for the provider: a step waits for the page to resume it.
      return signInAs({ ...st, mode: st.mode }, { connectionId: st.connectionId, callback: { params: e.params, redirectUri: st.redirectUri, codeVerifier: st.codeVerifier, nonce: st.nonce } }, e.request, { leftPage: true });
    },

    /**
     * Signs in through the engine for a round trip whose proof the caller already took once
     * (a callback's state; a scanned QR code's scene, flows/social/scan.ts), and maps the
     * result onto where the sign-in started (the login UI's flow, or the popup / app page).
     */
    signInAs,
    /** The connection named by `identifier`, enabled for the application, with its fields. */
    enabledConnection,

    /** A form_post callback's parameters, kept for the GET that follows (state.ts `park`). */
    parkFormPost: (params: Record<string, string>) => deps.states.park(params),
    takeFormPost: (handle: unknown) => deps.states.unpark(handle),

    /**
     * `GET /api/v3/get-alipay-authinfo` (getAlipayAuthInfo): the RSA2-signed `authInfo` string a
     * native app starts the Alipay SDK with (https://opendocs.alipay.com/open/218/105327), for an
     * `alipay` connection enabled for the app; a fresh `target_id` each time.
     */
    async alipayAuthInfo(e: { poolId: string; appId: string; identifier: string }): Promise<string> {
      const conn = await enabledConnection(e.poolId, e.appId, e.identifier);
      const connector = deps.connector(conn);
      if (!hasAlipay(connector)) throw new AppError('federation.mobile_not_supported');
      try {
        return connector.alipay.authInfo(urlSafeSecret(16));
      } catch (err) {
        // The connection lacks the merchant pid (or its key is unusable): the operator's configuration.
        if (err instanceof ConnectorError) throw new AppError('federation.upstream_refused', { params: { reason: 'invalid_config' }, cause: err });
        throw err;
      }
    },

    /** `POST /api/v3/signin-by-mobile`: a native app's provider payload (e.g. `{ code }`), for tokens. */
    async mobile(e: { poolId: string; appId: string; identifier: string; payload: Record<string, unknown>; scope?: string | undefined; request: RequestInfo }): Promise<SignInResult> {
      const conn = await enabledConnection(e.poolId, e.appId, e.identifier);
      return deps.engine.signIn({
        poolId: e.poolId,
        appId: e.appId,
        method: 'social',
        input: { connectionId: conn.id, mobile: e.payload },
        inputPath: 'body',
        request: e.request,
        protocol: 'api',
        options: { historyLabel: `social:${conn.identifier}` },
        target: { kind: 'tokens', ...(e.scope ? { scope: e.scope } : {}) },
      });
    },
  };
}
export type SocialRoundTrip = ReturnType<typeof createSocialRoundTrip>;
