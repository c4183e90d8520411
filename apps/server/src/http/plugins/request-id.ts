import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SAFE_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * A request id on every response and log line. An upstream `x-request-id` is kept when it is
 * well-formed (so a proxy's id ties the logs together); anything else is replaced, which keeps
 * hostile strings out of the logs.
 */
export function genReqId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID().replace(/-/g, '');
}
