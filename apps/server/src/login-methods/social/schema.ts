import { Type, type Static } from '@sinclair/typebox';

/**
 * What the social round trip (flows/social) or `signin-by-mobile` hands the method: the
 * connection, and either the provider's callback with the values the round trip kept (the
 * state was checked before the engine runs) or a native app's payload.
 */
export const SocialInputSchema = Type.Object(
  {
    connectionId: Type.String({ minLength: 1, maxLength: 64 }),
    callback: Type.Optional(
      Type.Object(
        {
          params: Type.Record(Type.String(), Type.String({ maxLength: 256 * 1024 })),
          redirectUri: Type.String({ minLength: 1, maxLength: 2048 }),
          codeVerifier: Type.String({ minLength: 43, maxLength: 128 }),
          nonce: Type.String({ minLength: 16, maxLength: 128 }),
        },
        { additionalProperties: false },
      ),
    ),
    mobile: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    /**
     * A scanned QR code (flows/social/scan.ts), taken once before the engine runs: the openid an
     * official account's signed push named (`wechatmp-qrcode`; the profile is fetched here), or
     * the profile the mini program's confirmation produced (`wechat:miniprogram:qrconnect`, its
     * `wx.login()` code already exchanged at WeChat).
     */
    scan: Type.Optional(
      Type.Object(
        {
          openId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
          profile: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SocialInput = Static<typeof SocialInputSchema>;
