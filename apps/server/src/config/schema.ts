import { Type, type Static } from '@sinclair/typebox';

/**
 * The one configuration schema. Every key has a description; `docs/configuration.md` lists
 * them. Precedence: defaults ← config file (GATEHOUSE_CONFIG, JSON) ← environment
 * (GATEHOUSE_ + the key in SCREAMING_SNAKE_CASE, e.g. databaseUrl → GATEHOUSE_DATABASE_URL).
 */
export const configSchema = Type.Object(
  {
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'TCP port to listen on.' }),
    host: Type.String({ minLength: 1, default: '0.0.0.0', description: 'Interface to bind (0.0.0.0 for all, 127.0.0.1 for local only).' }),
    publicUrl: Type.String({
      format: 'uri',
      default: 'http://localhost:3000',
      description: 'External base URL clients use to reach Gatehouse (scheme, host, port, optional path). Issuers and links are built from it, never from the Host header. Default: http://localhost:<port>.',
    }),
    dataDir: Type.String({ minLength: 1, default: './data', description: 'Directory for the embedded SQLite database, the generated master secret and the generated root access key.' }),
    databaseUrl: Type.String({
      pattern: '^(sqlite:|postgres://|postgresql://)',
      default: 'sqlite:./data/gatehouse.db',
      description: 'Database (default: gatehouse.db in dataDir): `sqlite:<path>` (relative to the working directory, or absolute; `sqlite::memory:` for throwaway) or `postgres://user:pass@host:port/db`.',
    }),
    redisUrl: Type.String({
      pattern: '^(rediss?://|$)',
      default: '',
      description: 'Optional `redis://` URL. When set, short-lived shared state (nonces, codes, counters) lives in Redis; otherwise in the database.',
    }),
    secret: Type.String({
      default: '',
      description: 'Master key (at least 32 characters) that encrypts secrets at rest. When empty, one is generated into <dataDir>/secret.key on first start, with a warning. Losing it makes stored secrets unreadable.',
    }),
    trustProxy: Type.Union([Type.Boolean(), Type.String()], {
      default: false,
      description: 'Trust X-Forwarded-* headers: false, true, a hop count, or a comma-separated list of proxy addresses/CIDRs. Only enable behind a proxy you control.',
    }),
    accessKeyId: Type.String({ default: '', description: 'Root management access key id for the default pool, used on first start. Generated (and printed once) when empty.' }),
    accessKeySecret: Type.String({ default: '', description: 'Secret of the root management access key (at least 24 characters). Generated when empty.' }),
    logLevel: Type.Union(
      [Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')],
      { default: 'info', description: 'Log level of the JSON logs.' },
    ),
    metricsToken: Type.String({
      default: '',
      description: 'When set, GET /metrics requires `Authorization: Bearer <this token>` (at least 16 characters). Empty: /metrics is open to whoever can reach it (docs/operations.md).',
    }),
    metricsListen: Type.String({
      pattern: '^$|^[^\\s]+:[0-9]{1,5}$',
      default: '',
      description: 'When set (`host:port`, e.g. `127.0.0.1:9464`), metrics are served at /metrics on this separate address only, and not on the main port.',
    }),
    bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 16 * 1024 * 1024, default: 1024 * 1024, description: 'Largest accepted request body, in bytes.' }),
    loginTypesDir: Type.String({
      default: '',
      description:
        'Optional directory of JitAi login-method instance folders (`<Name>/e.json` + `Config.json`; the `auths/loginTypes` folder itself or an app root containing it). Loaded into the default user pool at every start; an invalid folder stops the start with an error naming the file and field. See docs/authentication.md.',
    }),
    signatureMaxSkewSeconds: Type.Integer({
      minimum: 30,
      maximum: 3600,
      default: 300,
      description: 'How far the `date` header of a signed management request may be from server time, in seconds. Nonces are remembered for twice this long.',
    }),
    // Issue #5: SMS / email verification codes (docs/passcodes.md). Pools may override all of these through the management API.
    smsProvider: Type.String({
      default: '',
      description: 'SMS connector for pools without their own: `console` (development only: the message, code included, goes to the log), `aliyun-sms`, `tencent-sms`, `twilio`, `aws-sns`. Empty: no SMS.',
    }),
    smsProviderConfig: Type.String({ default: '', description: 'JSON object with the settings of `smsProvider` (credentials, sign name, template ids; see docs/passcodes.md).' }),
    emailProvider: Type.String({ default: '', description: 'Email connector for pools without their own: `smtp` (the smtp* keys) or `console` (development only: the message goes to the log). Empty: no email.' }),
    smtpHost: Type.String({ default: '', description: 'SMTP server host name for emailProvider=smtp.' }),
    smtpPort: Type.Integer({ minimum: 1, maximum: 65535, default: 587, description: 'SMTP server port (587 submission with STARTTLS, 465 implicit TLS).' }),
    smtpTls: Type.Union([Type.Literal('starttls'), Type.Literal('implicit'), Type.Literal('opportunistic'), Type.Literal('none')], {
      default: 'starttls',
      description: '`starttls` (STARTTLS required), `implicit` (TLS from the first byte, usually port 465), `opportunistic` (STARTTLS when offered) or `none` (plain; local relays only).',
    }),
    smtpUser: Type.String({ default: '', description: 'SMTP user name (empty: no authentication).' }),
    smtpPassword: Type.String({ default: '', description: 'SMTP password.' }),
    smtpFrom: Type.String({ default: '', description: 'Sender address of mails, e.g. `no-reply@example.com` (default: smtpUser).' }),
    smtpFromName: Type.String({ default: '', description: 'Display name of the sender, e.g. `Example Inc.`.' }),
    passcodeLength: Type.Integer({ minimum: 6, maximum: 10, default: 6, description: 'Digits of an SMS / email code.' }),
    passcodeTtlSeconds: Type.Integer({ minimum: 60, maximum: 600, default: 300, description: 'How long a code is valid, in seconds (at most 10 minutes).' }),
    passcodeMaxAttempts: Type.Integer({ minimum: 1, maximum: 10, default: 5, description: 'Wrong entries after which a code is burned.' }),
    sendLimitPerMinute: Type.Integer({ minimum: 1, maximum: 1000000, default: 1, description: 'Codes per recipient and channel per minute.' }),
    sendLimitPerHour: Type.Integer({ minimum: 1, maximum: 1000000, default: 10, description: 'Codes per recipient (phone or email) per hour.' }),
    sendLimitPerDay: Type.Integer({ minimum: 1, maximum: 1000000, default: 20, description: 'Codes per recipient per day.' }),
    sendLimitIpPerHour: Type.Integer({ minimum: 1, maximum: 1000000, default: 30, description: 'Codes requested from one client IP per hour.' }),
    sendLimitPoolPerHour: Type.Integer({ minimum: 1, maximum: 1000000, default: 1000, description: 'Codes per user pool per hour (caps an SMS-pumping bill).' }),
    sendLimitPoolPerDay: Type.Integer({ minimum: 1, maximum: 1000000, default: 10000, description: 'Codes per user pool per day.' }),
    messageRetryBaseMs: Type.Integer({ minimum: 50, maximum: 600000, default: 5000, description: 'First retry delay of a message whose provider was unavailable; doubles with each attempt.' }),
    messageMaxAttempts: Type.Integer({ minimum: 1, maximum: 20, default: 5, description: 'Delivery attempts per message before it is given up.' }),
    outboxPollMs: Type.Integer({ minimum: 50, maximum: 60000, default: 1000, description: 'How often each node looks for messages due for a retry, in milliseconds.' }),
    webhookPollMs: Type.Integer({ minimum: 0, maximum: 60000, default: 1000, description: 'How often each node looks for webhook deliveries that are due (first attempts after a restart, retries), in milliseconds. Events committed on a node are picked up by that node at once. 0: this node delivers no webhooks (it still queues them; other nodes deliver).' }),
    orgSyncTickMs: Type.Integer({ minimum: 0, maximum: 3600000, default: 60000, description: 'How often each node looks for scheduled DingTalk / WeCom organisation syncs that are due (a source\'s syncIntervalMinutes), in milliseconds; one node runs each due sync. 0: this node runs no scheduled sync (the others do).' }),
    // Hardening (docs/security.md): outbound guard, Redis failure behaviour, browser sessions.
    outboundAllow: Type.String({
      default: '',
      description:
        'Comma-separated host names, IP addresses or CIDRs (e.g. `127.0.0.0/8,smtp.internal`) that outbound connections steered by a user pool (SMS/email providers, SMTP, back-channel logout) may reach although they are internal (loopback, private, link-local, metadata), and over plain http://. Applies to every pool; a warning is logged at start while set. Empty: internal addresses are refused.',
    }),
    upstreamOverrides: Type.String({
      default: '',
      description:
        'JSON object mapping a provider origin to another origin, e.g. `{"https://api.twilio.com":"http://127.0.0.1:9001"}`: every outbound call to the first goes to the second (local fakes in tests, regional or proxy endpoints). Targets are implicitly allowed by the outbound guard; a warning is logged at start while set.',
    }),
    redisCommandTimeoutMs: Type.Integer({
      minimum: 50,
      maximum: 60000,
      default: 1000,
      description: 'A Redis command that has not answered within this many milliseconds fails (and counts towards opening the circuit breaker), so an unresponsive Redis makes requests fail fast with 503 instead of hanging.',
    }),
    sessionMaxAgeSeconds: Type.Integer({
      minimum: 300,
      maximum: 400 * 86400,
      default: 14 * 86400,
      description: 'Absolute lifetime of a browser sign-in session (single sign-on), counted from the sign-in, in seconds. Default 14 days.',
    }),
    sessionIdleTimeoutSeconds: Type.Integer({
      minimum: 60,
      maximum: 400 * 86400,
      default: 3 * 86400,
      description: 'A browser sign-in session unused for this many seconds ends, even before sessionMaxAgeSeconds. Default 3 days.',
    }),
    hashThreadPriority: Type.Union([Type.Literal('low'), Type.Literal('idle')], {
      default: 'low',
      description:
        "Priority of the password-hashing threads below the event loop. low: nice 19. idle: Linux SCHED_IDLE (needs util-linux's chrt), preempted as soon as a request needs the CPU; meant to shorten token and userinfo latency during a sign-in flood, but measured without a reliable difference on a 2-core machine, and on a host whose cores are busy with other work idle-class hashing gets almost no CPU and sign-ins slow down (docs/performance.md).",
    }),
    oidcFastEndpoints: Type.Union([Type.Literal('on'), Type.Literal('off')], {
      default: 'on',
      description: 'on: userinfo and introspection of Gatehouse JWT access tokens, and client-credentials token requests, are answered by lean handlers that give the same answers as oidc-provider, refresh-token requests run the refresh grant of oidc-provider itself without its request pipeline, and the access and ID tokens of a sign-in are built without the token models of oidc-provider, claim for claim the same (docs/performance.md); off: every request goes through oidc-provider (a switch for diagnosis).',
    }),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof configSchema>;
