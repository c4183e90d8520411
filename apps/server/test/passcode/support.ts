import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/container/logger.js';

/**
 * Reads codes the way a developer does with the `console` connector: from the log. The test
 * gives the server a logger over an in-memory stream (startServer's `logger` option) and picks
 * the latest console-connector line for a recipient.
 */
export interface LogCapture {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
  /** The code in the latest console message to `to` (E.164 phone or email). */
  lastCode(to: string): string;
  /** Console messages to `to`. */
  messagesTo(to: string): Array<Record<string, unknown>>;
}

export function captureLog(): LogCapture {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const messagesTo = (to: string) => lines.filter((l) => l.connector === 'console' && l.to === to && typeof l.text === 'string');
  return {
    logger: createLogger('info', stream),
    lines,
    messagesTo,
    lastCode(to: string) {
      const m = messagesTo(to).at(-1);
      const code = m && /(?<!\d)(\d{6,10})(?!\d)/.exec(m.text as string)?.[1];
      if (!code) throw new Error(`no console message with a code to ${to}`);
      return code;
    },
  };
}

export const ok = <T,>(r: T): T & { data: any } => {
  if ((r as { statusCode?: number }).statusCode !== 200) throw new Error(`expected success, got ${JSON.stringify(r)}`);
  return r as T & { data: any };
};
