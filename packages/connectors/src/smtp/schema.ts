import type { WithDefaults } from '@gatehouse/connector-kit';
import { Type, type Static } from '@sinclair/typebox';

/** Config of the SMTP email connector (nodemailer). */
export const SmtpConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1 }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'Default 465 for tls, else 587' })),
    tls: Type.Union([Type.Literal('implicit'), Type.Literal('starttls'), Type.Literal('opportunistic'), Type.Literal('none')], {
      default: 'starttls',
      description:
        'implicit: TLS from the first byte (port 465); starttls: STARTTLS required; opportunistic: STARTTLS when offered; none: plain text (local relays only)',
    }),
    username: Type.Optional(Type.String({ description: 'SMTP AUTH user; omit for an unauthenticated relay' })),
    password: Type.Optional(Type.String({ description: 'SMTP AUTH password or app password (secret)' })),
    fromAddress: Type.String({ minLength: 3, description: 'Envelope and header From address' }),
    fromName: Type.Optional(Type.String({ description: 'Display name in From' })),
    replyTo: Type.Optional(Type.String()),
    tlsRejectUnauthorized: Type.Boolean({ default: true, description: 'Verify the server certificate' }),
    tlsCa: Type.Optional(Type.String({ description: 'Extra trusted CA certificate(s), PEM' })),
    tlsServername: Type.Optional(Type.String({ description: 'Name to verify the certificate against (default: host)' })),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type SmtpConfig = Static<typeof SmtpConfigSchema>;
/** What callers pass: keys with defaults may be omitted. */
export type SmtpConfigInput = WithDefaults<SmtpConfig, 'tls' | 'tlsRejectUnauthorized' | 'timeoutMs'>;

/** The part of nodemailer's sendMail result we read. */
export const SmtpInfoSchema = Type.Object({ messageId: Type.Optional(Type.String()) });
