/**
 * Extensions of the social connector contract that the China ecosystem needs beyond
 * redirect-and-callback (`SocialConnector.authorizationUrl` / `handleCallback`) and the
 * native-app code (`handleMobile`):
 *
 *  - the WeChat official account scan (`wechatmp-qrcode`): the server shows a parametric QR code,
 *    WeChat pushes a signed (optionally AES-encrypted) event to the server, the browser polls;
 *  - the WeChat mini program (`wechat:miniprogram:default`): code → session, phone number,
 *    decrypting the mini program's open data;
 *  - the mini program code on a PC page (`wechat:miniprogram:qrconnect`): the server renders a
 *    mini-program code, the mini program confirms with its own `wx.login()` code;
 *  - Alipay's mobile `authInfo` string;
 *  - organisation sync for DingTalk and WeCom (departments and members).
 *
 * A connector that offers one of these carries it as a property of the object `create()` returns;
 * the guards at the end of this file let the server find it without casts. Everything here is
 * additive: connectors of other kinds are unaffected.
 */
import type { HttpClient, IdentityProfile, SocialConnector, SocialConnectorManifest } from './types.js';

/**
 * How a connection signs people in. `redirect`: `authorizationUrl` + `handleCallback`.
 * `mobile`: `handleMobile` (the vendor's `signin-by-mobile` payloads). `official-account-qr`:
 * the `officialAccount` extension. `miniprogram-qr`: the `miniProgramQr` extension.
 * `embedded`: the vendor's login page framed inside the hosted login (`manifest.embed`,
 * `authorizationUrl({ embedded: true })`), finishing through the same callback as `redirect`.
 */
export type SocialFlow = 'redirect' | 'mobile' | 'official-account-qr' | 'miniprogram-qr' | 'embedded';

/**
 * A vendor login page that may be framed by the hosted login (DingTalk's DTFrameLogin page,
 * WeCom's web login panel) instead of the browser being redirected to it. The server never loads
 * the vendor's script: the login page draws the iframe itself, and CSP `frame-src` names
 * `origin` only on pages that show it.
 *
 * - `post-message` (DingTalk): the framed page posts `{ success, redirectUrl }` to its parent;
 *   the parent checks the sender's origin and the `state`, then opens the callback itself.
 * - `top-navigation` (WeCom `redirect_type=top`): the framed page navigates the top window to
 *   the redirect URI with `code` and `state` (the iframe needs `sandbox` `allow-top-navigation`:
 *   browsers refuse a cross-origin frame's top navigation without a user gesture otherwise).
 */
export interface EmbeddedLoginManifest {
  /** The origin of the framed page (before the operator's upstream overrides). */
  origin: string;
  delivery: 'post-message' | 'top-navigation';
  /** The frame's size in CSS pixels, as the vendor documents it. */
  width: number;
  height: number;
}

export interface ChinaSocialConnectorManifest extends SocialConnectorManifest {
  /** The flows this connector implements; a method outside them throws `connector.invalid_config`. */
  flows: SocialFlow[];
  /** The `connection` values of `signin-by-mobile` (`SigninByMobileDto.connection`) this connector accepts in `handleMobile`. */
  mobileConnections: string[];
  /** The vendor page can be framed by the hosted login (`flows` includes `embedded`). */
  embed?: EmbeddedLoginManifest;
}

// ---------------------------------------------------------------- WeChat official account

/** An official-account push as the server received it on `GET|POST /connections/social/<identifier>/events`. */
export interface WechatPushRequest {
  method: 'GET' | 'POST';
  /** The query string parameters (signature, timestamp, nonce, echostr, openid, encrypt_type, msg_signature). */
  query: Record<string, string | undefined>;
  /** The raw request body (XML), '' for GET. */
  body: string;
}

export interface WechatOfficialAccountEvent {
  /** `subscribe` (first follow, possibly by scanning a QR code), `SCAN` (an existing follower scanned), `unsubscribe`, … */
  event: string;
  /** The follower's openid in this official account (`FromUserName`). */
  openId: string;
  /** The official account's original id (`ToUserName`, gh_…). */
  account: string;
  /** The QR code's scene string, with the `qrscene_` prefix of `subscribe` removed; absent for a follow without a QR code. */
  sceneStr?: string;
  /** The QR code's ticket (`Ticket`). */
  ticket?: string;
  /** `CreateTime`, unix seconds. */
  createTime: number;
  /**
   * WeChat retries a push it got no answer to within 5 s, three times. The vendor recommends
   * de-duplicating events on FromUserName + CreateTime (and messages on MsgId): act on a key once.
   */
  dedupeKey: string;
}

export type WechatPushResult =
  /** The server-configuration handshake (GET): answer `reply` (the echostr) as text/plain. */
  | { kind: 'handshake'; reply: string }
  /** An event: answer `reply` ('success') within 5 s, then act on `event` once per `dedupeKey`. */
  | { kind: 'event'; event: WechatOfficialAccountEvent; reply: string }
  /** A user message or an event this flow does not use: answer `reply` ('success') and do nothing. */
  | { kind: 'ignored'; reply: string };

export interface OfficialAccountQrCode {
  /** The scene string the server chose (it comes back in the scan event's `sceneStr`). */
  sceneStr: string;
  ticket: string;
  /** What the QR code encodes (`http://weixin.qq.com/q/…`): render it yourself, or use `imageUrl`. */
  url: string;
  /** WeChat's rendering of the code (`mp.weixin.qq.com/cgi-bin/showqrcode?ticket=`). */
  imageUrl: string;
  expiresAt: Date;
}

export interface AppAccessTokenInfo {
  accessToken: string;
  expiresAt: Date;
}

export interface WechatOfficialAccountExtension {
  /** A temporary parametric QR code (`QR_STR_SCENE`) carrying `sceneStr` (1–64 characters). */
  createLoginQrCode(sceneStr: string, expireSeconds?: number): Promise<OfficialAccountQrCode>;
  /**
   * Verifies and parses a push: the GET handshake (`signature` over token, timestamp, nonce, then
   * the echostr is returned), and POST events in plain, compatible or safe (AES) mode
   * (`msg_signature` + decryption, the appid inside the ciphertext checked). Throws
   * `connector.invalid_token` for a forged, stale or undecryptable push: answer it with 401/403 and
   * do nothing.
   */
  handlePush(req: WechatPushRequest): WechatPushResult;
  /** The follower's profile (`cgi-bin/user/info`): `unionId` when the account is bound to an Open Platform account. */
  profileForOpenId(openId: string): Promise<IdentityProfile>;
  /** The account's cached app access token (`/api/v3/get-wechat-access-token-info`). */
  appAccessToken(): Promise<AppAccessTokenInfo>;
}

// ---------------------------------------------------------------- WeChat / Douyin mini programs

export interface MiniProgramExtension {
  /**
   * `/api/v3/decrypt-wechat-miniprogram-data`: exchanges the fresh `code` for a session and
   * decrypts `encryptedData` with its session_key (AES-128-CBC); the `watermark.appid` must be
   * this mini program's. The session_key is used inside this call only and never returned.
   */
  decryptData(input: { code: string; encryptedData: string; iv: string }): Promise<Record<string, unknown>>;
  /** The mini program's cached app access token (`/api/v3/get-wechat-access-token-info`); undefined for vendors without one. */
  appAccessToken?(): Promise<AppAccessTokenInfo>;
}

export interface MiniProgramLoginCode {
  /** PNG bytes of the mini-program code (`wxa/getwxacodeunlimit`). */
  image: Uint8Array;
  contentType: string;
  /** The scene the code carries (the mini program reads it from its launch options). */
  scene: string;
}

export interface MiniProgramConfirmation {
  /** A fresh `wx.login()` code from the mini program that scanned. */
  code: string;
  /** Optional `getPhoneNumber` code, when the mini program asked for the phone number. */
  phoneCode?: string;
}

export interface WechatMiniProgramQrExtension {
  /** Renders a mini-program code that opens `page` with `scene` (at most 32 visible characters). */
  createLoginCode(scene: string): Promise<MiniProgramLoginCode>;
  /** The mini program's confirmation of a scanned code: its `wx.login()` code (and phone code) → the user. */
  acceptConfirmation(input: MiniProgramConfirmation): Promise<IdentityProfile>;
}

// ---------------------------------------------------------------- Alipay

export interface AlipayExtension {
  /** The signed `authInfo` string the Alipay mobile SDK needs to start a login (`/api/v3/get-alipay-authinfo`). */
  authInfo(targetId: string): string;
}

// ---------------------------------------------------------------- organisation sync

export interface OrgDepartment {
  externalId: string;
  /** null for the root department. */
  parentExternalId: string | null;
  name: string;
  /** The vendor's sort order among siblings (0 when the vendor gives none). */
  order: number;
}

export interface OrgMember {
  /** The vendor's member id inside the organisation (DingTalk `userid`, WeCom `userid`). */
  externalId: string;
  /** DingTalk `unionid`: the same value the DingTalk login connector returns as the identity id. */
  unionId?: string;
  name: string;
  email?: string;
  phone?: string;
  /** Sorted. */
  departmentExternalIds: string[];
  /** False for members the vendor reports as disabled, not yet activated or departed. */
  active: boolean;
}

/** A full pull: departments sorted by externalId, members sorted by externalId. */
export interface OrgSnapshot {
  departments: OrgDepartment[];
  members: OrgMember[];
  /** How the pull went, for the sync report (requests made, rate-limit waits). */
  stats: { requests: number; rateLimitRetries: number };
}

export interface OrgSyncClient {
  /** Pulls the whole tree and every member; pages and backs off on the vendor's rate limits. */
  pull(): Promise<OrgSnapshot>;
}

// ---------------------------------------------------------------- guards

export type WithOfficialAccount = SocialConnector & { officialAccount: WechatOfficialAccountExtension };
export type WithMiniProgram = SocialConnector & { miniProgram: MiniProgramExtension };
export type WithMiniProgramQr = SocialConnector & { miniProgramQr: WechatMiniProgramQrExtension };
export type WithAlipay = SocialConnector & { alipay: AlipayExtension };

export function hasOfficialAccount(c: SocialConnector): c is WithOfficialAccount {
  return typeof (c as Partial<WithOfficialAccount>).officialAccount === 'object';
}
export function hasMiniProgram(c: SocialConnector): c is WithMiniProgram {
  return typeof (c as Partial<WithMiniProgram>).miniProgram === 'object';
}
export function hasMiniProgramQr(c: SocialConnector): c is WithMiniProgramQr {
  return typeof (c as Partial<WithMiniProgramQr>).miniProgramQr === 'object';
}
export function hasAlipay(c: SocialConnector): c is WithAlipay {
  return typeof (c as Partial<WithAlipay>).alipay === 'object';
}

// ---------------------------------------------------------------- binary responses

/**
 * The request options of `HttpClient`, plus `responseEncoding: 'base64'`: the client returns a
 * binary body (the PNG of a WeChat mini-program code) base64-encoded in `text`.
 * `createFetchHttpClient` honours it; a server-side HttpClient must too, or mini-program codes
 * arrive corrupted (the connector checks the image's magic bytes and fails with
 * `connector.invalid_response` rather than return a broken image).
 */
export type HttpInitWithEncoding = Parameters<HttpClient>[1] & { responseEncoding?: 'utf8' | 'base64' };
