import type { WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

const appId = Type.String({ minLength: 1, maxLength: 64, description: 'AppID (wx…)' });
const appSecret = Type.String({ minLength: 1, maxLength: 128, description: 'AppSecret (secret; shown once by WeChat)' });
const timeoutMs = Type.Integer({ minimum: 100, default: 10_000 });

/** `wechat:pc` (website app of the Open Platform) and `wechat:mobile` (mobile app of the Open Platform). */
export const WechatAppConfigSchema = Type.Object(
  {
    appId,
    appSecret,
    lang: Type.Union([Type.Literal('zh_CN'), Type.Literal('zh_TW'), Type.Literal('en')], { default: 'zh_CN', description: 'Language of sns/userinfo fields' }),
    timeoutMs,
  },
  { additionalProperties: false },
);
export type WechatAppConfig = Static<typeof WechatAppConfigSchema>;
export type WechatAppConfigInput = WithDefaults<WechatAppConfig, 'lang' | 'timeoutMs'>;

/** `wechat:webpage-authorization`: an official account (服务号) authorising inside the WeChat browser. */
export const WechatWebpageConfigSchema = Type.Object(
  {
    appId,
    appSecret,
    scope: Type.Union([Type.Literal('snsapi_userinfo'), Type.Literal('snsapi_base')], {
      default: 'snsapi_userinfo',
      description: 'snsapi_base: silent, openid only; snsapi_userinfo: asks once, nickname and avatar',
    }),
    lang: Type.Union([Type.Literal('zh_CN'), Type.Literal('zh_TW'), Type.Literal('en')], { default: 'zh_CN' }),
    timeoutMs,
  },
  { additionalProperties: false },
);
export type WechatWebpageConfig = Static<typeof WechatWebpageConfigSchema>;
export type WechatWebpageConfigInput = WithDefaults<WechatWebpageConfig, 'scope' | 'lang' | 'timeoutMs'>;

/** `wechatmp-qrcode`: official account scan-to-follow login. */
export const WechatOfficialAccountConfigSchema = Type.Object(
  {
    appId,
    appSecret,
    token: Type.String({ pattern: '^[A-Za-z0-9]{3,32}$', description: 'Server configuration Token (secret): signs every push' }),
    encodingAESKey: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{43}$', description: 'EncodingAESKey (secret): needed in compatible and safe mode' })),
    messageMode: Type.Union([Type.Literal('plain'), Type.Literal('compatible'), Type.Literal('safe')], {
      default: 'plain',
      description: 'Message encryption mode chosen in the official account (明文 / 兼容 / 安全模式)',
    }),
    qrExpireSeconds: Type.Integer({ minimum: 60, maximum: 2_592_000, default: 300, description: 'Lifetime of a login QR code' }),
    pushMaxAgeSeconds: Type.Integer({ minimum: 30, maximum: 3600, default: 300, description: 'Pushes whose signed timestamp is older (or further in the future) are refused' }),
    timeoutMs,
  },
  { additionalProperties: false },
);
export type WechatOfficialAccountConfig = Static<typeof WechatOfficialAccountConfigSchema>;
export type WechatOfficialAccountConfigInput = WithDefaults<WechatOfficialAccountConfig, 'messageMode' | 'qrExpireSeconds' | 'pushMaxAgeSeconds' | 'timeoutMs'>;

/** `wechat:miniprogram:default`. */
export const WechatMiniProgramConfigSchema = Type.Object({ appId, appSecret, timeoutMs }, { additionalProperties: false });
export type WechatMiniProgramConfig = Static<typeof WechatMiniProgramConfigSchema>;
export type WechatMiniProgramConfigInput = WithDefaults<WechatMiniProgramConfig, 'timeoutMs'>;

/** `wechat:miniprogram:qrconnect`: the mini program whose code the PC page shows. */
export const WechatMiniProgramQrConfigSchema = Type.Object(
  {
    appId,
    appSecret,
    page: Type.String({ maxLength: 256, default: '', description: 'Published page the code opens (no leading slash); empty = the home page' }),
    envVersion: Type.Union([Type.Literal('release'), Type.Literal('trial'), Type.Literal('develop')], { default: 'release' }),
    width: Type.Integer({ minimum: 280, maximum: 1280, default: 430 }),
    timeoutMs,
  },
  { additionalProperties: false },
);
export type WechatMiniProgramQrConfig = Static<typeof WechatMiniProgramQrConfigSchema>;
export type WechatMiniProgramQrConfigInput = WithDefaults<WechatMiniProgramQrConfig, 'page' | 'envVersion' | 'width' | 'timeoutMs'>;

// ---- responses

export const SnsTokenSchema = Type.Object({
  access_token: Type.String({ minLength: 1 }),
  expires_in: Type.Optional(Type.Number()),
  refresh_token: Type.Optional(Type.String()),
  openid: Type.String({ minLength: 1 }),
  scope: Type.Optional(Type.String()),
  unionid: Type.Optional(Type.String()),
  is_snapshotuser: Type.Optional(Type.Number()),
});

export const SnsUserInfoSchema = Type.Object({
  openid: Type.String({ minLength: 1 }),
  nickname: Type.Optional(Type.String()),
  sex: Type.Optional(Type.Number()),
  province: Type.Optional(Type.String()),
  city: Type.Optional(Type.String()),
  country: Type.Optional(Type.String()),
  headimgurl: Type.Optional(Type.String()),
  privilege: Type.Optional(Type.Array(Type.String())),
  unionid: Type.Optional(Type.String()),
});
export type SnsUserInfo = Static<typeof SnsUserInfoSchema>;

export const AppTokenSchema = Type.Object({ access_token: Type.String({ minLength: 1 }), expires_in: Type.Number({ minimum: 1 }) });

export const QrCodeSchema = Type.Object({ ticket: Type.String({ minLength: 1 }), expire_seconds: Type.Optional(Type.Number()), url: Type.String({ minLength: 1 }) });

export const CgiUserInfoSchema = Type.Object({
  subscribe: Type.Optional(Type.Number()),
  openid: Type.String({ minLength: 1 }),
  unionid: Type.Optional(Type.String()),
  language: Type.Optional(Type.String()),
  subscribe_time: Type.Optional(Type.Number()),
  subscribe_scene: Type.Optional(Type.String()),
});

export const Code2SessionSchema = Type.Object({
  openid: Type.String({ minLength: 1 }),
  session_key: Type.String({ minLength: 1 }),
  unionid: Type.Optional(Type.String()),
});

export const PhoneNumberSchema = Type.Object({
  phone_info: Type.Object({
    phoneNumber: Type.String(),
    purePhoneNumber: Type.String(),
    countryCode: Type.Union([Type.String(), Type.Number()]),
    watermark: Type.Object({ appid: Type.String(), timestamp: Type.Optional(Type.Number()) }),
  }),
});
