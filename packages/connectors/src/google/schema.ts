import { commonSocialFields, type WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** Fields of a `google` connection (Google Cloud console → APIs & Services → Credentials → OAuth client ID, type "Web application"). */
export const GoogleConfigSchema = Type.Object(
  {
    clientId: Type.String({ minLength: 1, maxLength: 300, description: 'OAuth client ID (…apps.googleusercontent.com)' }),
    clientSecret: Type.String({ minLength: 1, maxLength: 500, description: 'OAuth client secret (secret)' }),
    scopes: Type.String({ default: 'openid profile email', maxLength: 2000, description: 'Scopes, space separated; openid is always sent' }),
    hd: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$',
        maxLength: 253,
        description: 'Only admit accounts of this Google Workspace domain (the ID token hd claim is checked; the hd request parameter alone is just a hint)',
      }),
    ),
    prompt: Type.Optional(Type.String({ pattern: '^(none|consent|select_account)( (consent|select_account))*$', description: 'prompt parameter, e.g. select_account' })),
    mobileClientIds: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), {
      default: [],
      maxItems: 20,
      description: 'Android / iOS client IDs whose ID tokens google:mobile accepts (audience), besides clientId',
    }),
    ...commonSocialFields,
  },
  { additionalProperties: false },
);
export type GoogleConfig = Static<typeof GoogleConfigSchema>;
export type GoogleConfigInput = WithDefaults<GoogleConfig, 'scopes' | 'timeoutMs' | 'mobileClientIds'>;

export const GoogleMobilePayloadSchema = Type.Union([
  Type.Object({ idToken: Type.String({ minLength: 1, maxLength: 10_000 }), nonce: Type.Optional(Type.String({ maxLength: 500 })) }),
  Type.Object({ code: Type.String({ minLength: 1, maxLength: 4096 }), redirectUri: Type.Optional(Type.String({ maxLength: 2048 })), codeVerifier: Type.Optional(Type.String({ minLength: 43, maxLength: 128 })) }),
]);
