import { createHash } from 'node:crypto';
import QRCode from 'qrcode';
import { ConnectorError, hasMiniProgramQr, hasOfficialAccount, type IdentityProfile, type SocialConnector, type WechatPushRequest } from '@gatehouse/connector-kit';
import { AppError } from '../../errors/app-error.js';
import { socialErrorOf } from '../../login-methods/social/errors.js';
import type { ConnectionWithSecrets } from '../../services/identity-sources/types.js';
import type { KvStore } from '../../storage/kv/types.js';
import { safeEqual } from '../../utils/crypto.js';
import { urlSafeSecret } from '../../utils/ids.js';
import type { Logger } from '../../utils/logger.js';
import type { RequestInfo } from '../engine/types.js';
import type { LoginUi } from '../login-ui/service.js';
import type { CallbackOutcome, SocialRoundTrip } from './round-trip.js';
import type { SocialMode } from './state.js';

/**
 * Sign-in by scanning a QR code shown on the page (docs/identity-providers-china.md):
 *
 * - `wechatmp-qrcode` — a temporary parametric QR code of an official account
 *   (cgi-bin/qrcode/create, QR_STR_SCENE with a fresh 256-bit scene). Scanning it makes WeChat
 *   push a signed `subscribe` (EventKey `qrscene_<scene>`) or `SCAN` event to
 *   `/connections/social/<identifier>/events`; the push is verified by the connector
 *   (sha1 of the sorted Token, timestamp, nonce; msg_signature + AES in safe mode) and marks the
 *   scene scanned by that openid, once per WeChat retry (FromUserName + CreateTime).
 *   https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_event_pushes.html
 * - `wechat:miniprogram:qrconnect` — a mini-program code (wxa/getwxacodeunlimit) whose scene the
 *   mini program sends back with a fresh `wx.login()` code; the code is exchanged at once
 *   (jscode2session) and the profile waits with the scene.
 *
 * The page that asked for the code polls; the first poll after the scan takes the scene (single
 * use, atomic) and signs in through the engine with the `social` method. A scene is bound to the
 * browser that asked for it (the same HttpOnly cookie as the redirect round trip): someone who
 * reads the code off the screen can scan it, but cannot collect the sign-in.
 */
export type ScanKind = 'official-account' | 'miniprogram-qr';

/** Where a scan finishes: the login UI's flow or the application's page (never an account link). */
type ScanMode = Exclude<SocialMode, { kind: 'link' }>;

interface ScanRecord {
  poolId: string;
  appId: string;
  connectionId: string;
  identifier: string;
  kind: ScanKind;
  /** SHA-256 of the browser-binding cookie. */
  browser: string;
  mode: ScanMode;
  expiresAt: number;
  status: 'pending' | 'scanned';
  openId?: string;
  profile?: IdentityProfile;
}

export interface ScanCode {
  scene: string;
  kind: ScanKind;
  /** What the page shows, as a data: URL: the official-account code rendered here from `url`, or WeChat's mini-program code. */
  imageUrl: string;
  /** WeChat's own rendering of an official-account code (cgi-bin/showqrcode). */
  wechatImageUrl?: string;
  /** What an official-account code encodes (`http://weixin.qq.com/q/…`), to render it locally instead. */
  url?: string;
  expiresAt: string;
}

export type ScanPoll = { status: 'pending' | 'expired' } | { status: 'done'; outcome: CallbackOutcome };

/** A mini-program code lives as long as a wx.login() code does. */
const MINIPROGRAM_QR_TTL_MS = 5 * 60 * 1000;
/** WeChat retries an unanswered push three times within 15 s; the de-duplication mark outlives that by far. */
const PUSH_DEDUPE_TTL_MS = 10 * 60 * 1000;

const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest('base64url');
const key = (scene: string) => `social:scan:${digest(scene)}`;
const looksLikeScene = (s: unknown): s is string => typeof s === 'string' && /^[A-Za-z0-9_-]{32,64}$/.test(s);

export interface ScanSignInDeps {
  kv: KvStore;
  roundTrip: Pick<SocialRoundTrip, 'signInAs' | 'enabledConnection'>;
  loginUi: Pick<LoginUi, 'loadChecked'>;
  connector(conn: ConnectionWithSecrets): SocialConnector;
  connectionWithSecrets(poolId: string, id: string): Promise<ConnectionWithSecrets | undefined>;
  /** Every connection with this identifier, in any pool (a push names only the identifier). */
  connectionsByIdentifier(identifier: string): Promise<ConnectionWithSecrets[]>;
  rewrite(url: string): string;
  log: Logger;
}

/** A connector failure as a catalogued error (the vendor's text goes to the log only). */
function vendorError(err: unknown, log: Logger, conn: ConnectionWithSecrets): AppError {
  const mapped = socialErrorOf(err);
  if (!mapped) throw err;
  if (err instanceof ConnectorError) log.warn({ connection: conn.id, type: conn.type, err: err.message }, 'identity provider refused a QR-code step');
  return new AppError(mapped.code, { ...(mapped.reason ? { params: { reason: mapped.reason } } : {}), cause: err });
}

export function createScanSignIn(deps: ScanSignInDeps) {
  const { kv } = deps;

  async function load(scene: unknown): Promise<ScanRecord | null> {
    if (!looksLikeScene(scene)) return null;
    const raw = await kv.get(key(scene));
    return raw ? (JSON.parse(raw) as ScanRecord) : null;
  }
  async function save(scene: string, rec: ScanRecord): Promise<void> {
    await kv.set(key(scene), JSON.stringify(rec), Math.max(1, rec.expiresAt - Date.now()));
  }

  return {
    /**
     * A new QR code for `identifier`, for an application's page (`app`) or the login UI's flow
     * (`flow` + its anti-forgery token).
     */
    async start(e: { identifier: string; browser: string; app?: { poolId: string; appId: string }; flow?: { handle: unknown; csrf: unknown } }): Promise<ScanCode> {
      let poolId: string;
      let appId: string;
      let mode: ScanMode;
      if (e.flow) {
        const flow = await deps.loginUi.loadChecked(e.flow.handle, e.flow.csrf);
        ({ poolId, appId } = flow);
        mode = { kind: 'login-ui', handle: e.flow.handle as string };
      } else if (e.app) {
        ({ poolId, appId } = e.app);
        mode = { kind: 'popup' };
      } else throw new AppError('application.not_found');
      const conn = await deps.roundTrip.enabledConnection(poolId, appId, e.identifier);
      const connector = deps.connector(conn);
      let code: ScanCode;
      try {
        if (hasOfficialAccount(connector)) {
          const scene = urlSafeSecret(32);
          const qr = await connector.officialAccount.createLoginQrCode(scene);
          // Rendered here from what the code encodes (WeChat's documented alternative to
          // showqrcode): the page needs no image from another origin.
          const imageUrl = await QRCode.toDataURL(qr.url, { errorCorrectionLevel: 'M', margin: 1, width: 240 });
          code = { scene, kind: 'official-account', imageUrl, wechatImageUrl: deps.rewrite(qr.imageUrl), url: qr.url, expiresAt: qr.expiresAt.toISOString() };
        } else if (hasMiniProgramQr(connector)) {
          // getwxacodeunlimit takes at most 32 characters: 24 random bytes (192 bits).
          const scene = urlSafeSecret(24);
          const img = await connector.miniProgramQr.createLoginCode(scene);
          code = { scene, kind: 'miniprogram-qr', imageUrl: `data:${img.contentType};base64,${Buffer.from(img.image).toString('base64')}`, expiresAt: new Date(Date.now() + MINIPROGRAM_QR_TTL_MS).toISOString() };
        } else throw new AppError('china.qrcode_not_supported');
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw vendorError(err, deps.log, conn);
      }
      await save(code.scene, { poolId, appId, connectionId: conn.id, identifier: conn.identifier, kind: code.kind, browser: digest(e.browser), mode, expiresAt: Date.parse(code.expiresAt), status: 'pending' });
      return code;
    },

    /**
     * An official account's push (`GET|POST /connections/social/<identifier>/events`). Returns
     * what to answer WeChat; refuses (`china.push_refused`) anything no connection with this
     * identifier can verify — nothing is changed then.
     */
    async push(identifier: string, req: WechatPushRequest): Promise<string> {
      const conns = (await deps.connectionsByIdentifier(identifier)).filter((c) => c.kind === 'social');
      for (const conn of conns) {
        const connector = deps.connector(conn);
        if (!hasOfficialAccount(connector)) continue;
        let result;
        try {
          result = connector.officialAccount.handlePush(req);
        } catch (err) {
          if (err instanceof ConnectorError) {
            deps.log.warn({ connection: conn.id, err: err.message }, 'official-account push refused');
            continue;
          }
          throw err;
        }
        if (result.kind !== 'event' || !result.event.sceneStr) return result.reply;
        // WeChat resends a push it got no timely answer to: act on each scan once. The scene is part
        // of the key: one person scanning two codes within a second (CreateTime's resolution) is two scans.
        if (!(await kv.setIfAbsent(`social:scan-push:${conn.id}:${digest(`${result.event.dedupeKey}:${result.event.sceneStr}`)}`, '1', PUSH_DEDUPE_TTL_MS))) return result.reply;
        const rec = await load(result.event.sceneStr);
        if (rec && rec.connectionId === conn.id && rec.kind === 'official-account' && rec.status === 'pending' && rec.expiresAt > Date.now()) {
          await save(result.event.sceneStr, { ...rec, status: 'scanned', openId: result.event.openId });
        }
        return result.reply;
      }
      throw new AppError('china.push_refused');
    },

    /**
     * The mini program's confirmation of a scanned mini-program code: its fresh `wx.login()` code
     * (and optional `getPhoneNumber` code) for the scene it was opened with. Once per scene.
     */
    async confirm(identifier: string, scene: unknown, input: { code: string; phoneCode?: string | undefined }): Promise<void> {
      const rec = await load(scene);
      if (!rec || rec.identifier !== identifier || rec.kind !== 'miniprogram-qr' || rec.status !== 'pending' || rec.expiresAt <= Date.now()) throw new AppError('china.qrcode_invalid');
      if (!(await kv.setIfAbsent(`${key(scene as string)}:confirm`, '1', Math.max(1, rec.expiresAt - Date.now())))) throw new AppError('china.qrcode_invalid');
      const conn = await deps.connectionWithSecrets(rec.poolId, rec.connectionId);
      if (!conn) throw new AppError('federation.connection_not_found');
      const connector = deps.connector(conn);
      if (!hasMiniProgramQr(connector)) throw new AppError('china.qrcode_not_supported');
      let profile: IdentityProfile;
      try {
        profile = await connector.miniProgramQr.acceptConfirmation({ code: input.code, ...(input.phoneCode ? { phoneCode: input.phoneCode } : {}) });
      } catch (err) {
        throw vendorError(err, deps.log, conn);
      }
      await save(scene as string, { ...rec, status: 'scanned', profile });
    },

    /** The page's poll: pending, expired, or — once, for the browser that asked — the sign-in. */
    async poll(e: { identifier: string; scene: unknown; browser: string | undefined; request: RequestInfo }): Promise<ScanPoll> {
      const rec = await load(e.scene);
      if (!rec || rec.identifier !== e.identifier || !e.browser || !safeEqual(digest(e.browser), rec.browser)) throw new AppError('china.qrcode_invalid');
      if (rec.expiresAt <= Date.now()) return { status: 'expired' };
      if (rec.status === 'pending') return { status: 'pending' };
      // Two polls may race: the one that takes the scene signs in, the other is refused.
      if (!(await kv.take(key(e.scene as string)))) throw new AppError('china.qrcode_invalid');
      const scan = rec.kind === 'official-account' ? { openId: rec.openId } : { profile: rec.profile };
      return { status: 'done', outcome: await deps.roundTrip.signInAs(rec, { connectionId: rec.connectionId, scan }, e.request) };
    },
  };
}
export type ScanSignIn = ReturnType<typeof createScanSignIn>;
