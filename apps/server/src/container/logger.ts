import pino, { type Logger } from 'pino';

/**
 * JSON logs. Credentials are redacted by path wherever they may appear (headers, bodies we
 * log on error, our own fields). Redaction is a safety net: code must still never log them.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-authing-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.oldPassword',
  '*.secret',
  '*.accessKeySecret',
  '*.appSecret',
  '*.client_secret',
  '*.passCode',
  '*.code',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.token',
];

/** Query parameters that carry credentials: `/oidc/me?access_token=…` is how the vendor client calls userinfo. */
const SECRET_PARAM = /token|code|secret|password|ticket|assertion|key/i;

/** The request URL with credential-bearing query values replaced, so request logs never carry them. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        /* keep the raw name */
      }
      return eq >= 0 && SECRET_PARAM.test(decoded) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'gatehouse' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // Replaces Fastify's request serializer (an instance's serializers win over Fastify's).
      serializers: {
        req: (req: LoggedRequest) => ({ method: req.method, url: redactUrl(req.url ?? ''), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }),
      },
    },
    destination,
  );
}
export type { Logger };
