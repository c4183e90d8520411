import { Type } from '@sinclair/typebox';

/** Request bodies of the login API (docs/login-ui.md). Inputs are strings; the engine validates each method's own schema. */
const Lang = Type.Union([Type.Literal('en'), Type.Literal('zh-CN'), Type.Literal('zh-TW'), Type.Literal('ja')]);
const Captcha = Type.Optional(Type.Object({ token: Type.Optional(Type.String({ maxLength: 128 })), code: Type.Optional(Type.String({ maxLength: 32 })) }, { additionalProperties: false }));
const Input = Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 4096 }), { maxProperties: 16 });
const Agreements = Type.Optional(Type.Array(Type.String({ maxLength: 16 }), { maxItems: 20 }));

export const StartBody = Type.Object({ scope: Type.Optional(Type.String({ maxLength: 512, pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E ]*$' })) }, { additionalProperties: false });
export const SignInBody = Type.Object({ tab: Type.String({ minLength: 1, maxLength: 64 }), input: Input, captcha: Captcha, agreements: Agreements, lang: Lang }, { additionalProperties: false });
export const ContinueBody = Type.Object({ step: Type.Optional(Type.String({ maxLength: 64 })), input: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 32 }) }, { additionalProperties: false });
export const SendCodeBody = Type.Object(
  { channel: Type.Union([Type.Literal('sms'), Type.Literal('email')]), purpose: Type.Union([Type.Literal('login'), Type.Literal('register'), Type.Literal('reset')]), to: Type.String({ minLength: 1, maxLength: 320 }), captcha: Captcha, lang: Lang },
  { additionalProperties: false },
);
export const RegisterBody = Type.Object({ method: Type.Union([Type.Literal('password'), Type.Literal('sms'), Type.Literal('email')]), input: Input, agreements: Agreements, lang: Lang }, { additionalProperties: false });
export const ResetBody = Type.Object(
  { channel: Type.Union([Type.Literal('sms'), Type.Literal('email')]), to: Type.String({ minLength: 1, maxLength: 320 }), passCode: Type.String({ minLength: 1, maxLength: 32 }), password: Type.String({ minLength: 1, maxLength: 4096 }) },
  { additionalProperties: false },
);
export const EmptyBody = Type.Optional(Type.Object({}, { additionalProperties: false }));
