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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'gatehouse' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
export type { Logger };
