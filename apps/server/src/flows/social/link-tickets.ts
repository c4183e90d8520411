import { createHash } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import type { KvStore } from '../../storage/kv/types.js';
import { urlSafeSecret } from '../../utils/ids.js';

/**
 * Link tickets (`generate-link-extidp-url`): a signed-in user's request to link one more
 * external account, named in the URL the application sends the browser to. 256 random bits,
 * kept as their SHA-256 (a KV dump yields none), valid 10 minutes, taken once when the user
 * confirms on the hosted page. The URL carries the ticket, never the user's token.
 */
export const LINK_TICKET_TTL_MS = 10 * 60 * 1000;

export interface LinkTicket {
  poolId: string;
  appId: string;
  userId: string;
  connectionId: string;
  identifier: string;
  expiresAt: number;
}

const key = (ticket: string) => `social:link:${createHash('sha256').update(ticket, 'utf8').digest('base64url')}`;
const looksLikeTicket = (s: unknown): s is string => typeof s === 'string' && /^[A-Za-z0-9_-]{40,64}$/.test(s);

export function createLinkTickets(kv: KvStore) {
  async function read(ticket: unknown, take: boolean): Promise<LinkTicket> {
    if (!looksLikeTicket(ticket)) throw new AppError('federation.state_invalid');
    const raw = take ? await kv.take(key(ticket)) : await kv.get(key(ticket));
    if (!raw) throw new AppError('federation.state_invalid');
    const t = JSON.parse(raw) as LinkTicket;
    if (t.expiresAt <= Date.now()) throw new AppError('federation.state_invalid');
    return t;
  }
  return {
    async issue(t: Omit<LinkTicket, 'expiresAt'>): Promise<string> {
      const ticket = urlSafeSecret(32);
      await kv.set(key(ticket), JSON.stringify({ ...t, expiresAt: Date.now() + LINK_TICKET_TTL_MS }), LINK_TICKET_TTL_MS);
      return ticket;
    },
    /** For the confirmation page: the ticket stays valid. */
    peek: (ticket: unknown) => read(ticket, false),
    /** On confirmation: single use. */
    take: (ticket: unknown) => read(ticket, true),
  };
}
export type LinkTickets = ReturnType<typeof createLinkTickets>;
