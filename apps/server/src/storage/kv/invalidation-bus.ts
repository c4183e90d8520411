import { randomBytes } from 'node:crypto';
import { connectRedis, DEFAULT_REDIS_KEY_PREFIX } from './redis-kv.js';

/**
 * One cache-invalidation bus for every in-process cache (OIDC clients, signing keys / providers,
 * access keys, …). A write path publishes `{topic, key}` after its change is committed; every
 * subscriber of the topic drops that entry (or everything, when the key is absent).
 *
 * - `redis` (GATEHOUSE_REDIS_URL set): the message goes over Redis pub/sub on the channel
 *   `<keyPrefix>invalidate` to every node at once. `publish` delivers locally first, then waits
 *   until every other subscriber has acknowledged that it dropped the entry (each answers on the
 *   publisher's own channel `<keyPrefix>invalidate-ack:<node>`; PUBLISH's reply says how many
 *   answers to expect), so a write's HTTP response is sent after the other nodes acted on it and
 *   the next request anywhere sees the change. Redis queueing the message is not enough for
 *   that: a node whose event loop reads a request before its subscriber socket would still
 *   answer from the old entry. The wait is bounded (`ackTimeoutMs`, default 1 s): a node that is
 *   stalled, or whose connection died without Redis noticing yet, delays writes by that much and
 *   is then bounded by the TTL, like a missed message. Pub/sub is fire-and-forget: a node whose subscriber
 *   connection was down misses messages, so on every reconnect it drops all its cached entries,
 *   and each cache keeps its short TTL as the bound for what slips through (e.g. a message sent
 *   while the connection was broken but not yet noticed).
 * - `local` (no Redis): delivered in this process only. A single node is always exact; several
 *   nodes on one database see each other's changes within each cache's TTL.
 *
 * Messages carry a topic and an id (app id, access key id, pool id) — never a secret or a value.
 */

/** Topics and what the key is. */
export const TOPICS = {
  /** An application (= OIDC client) changed or was deleted; key: appId. */
  application: 'application',
  /** A management access key was created, enabled or disabled; key: accessKeyId. */
  accessKey: 'access-key',
  /** A pool's OIDC signing keys were rotated; key: poolId. */
  signingKeys: 'signing-keys',
  /** A pool's authentication settings (password policy, brute force, registration, QR) changed; key: poolId. */
  authSettings: 'auth-settings',
  /** A pool's messaging settings or SMS/email provider changed; key: poolId. */
  messaging: 'messaging',
  /** Something that can change users' permissions in a pool (grant, membership, role, tree move); key: poolId. */
  permissions: 'permissions',
  /** A user's claims may have changed (profile, status, password set, custom data, roles); key: `<poolId>/<userId>`, or `<poolId>` for every user of the pool (oidc/account-cache.ts). */
  account: 'account',
  /** A pool's pipeline functions (user scripts) or its custom-database settings were created, changed, reordered or deleted; key: poolId. */
  pipeline: 'pipeline',
  /** A pool's or application's MFA policy, or a user's MFA trigger data, changed; key: poolId (services/mfa/config-cache.ts). */
  mfa: 'mfa',
  /** A pool's webhooks were created, changed or deleted; key: poolId (services/webhooks/outbox.ts). */
  webhooks: 'webhooks',
} as const;
export type InvalidationTopic = (typeof TOPICS)[keyof typeof TOPICS];

/** `key` undefined: drop every entry of the topic. */
export type InvalidationHandler = (key: string | undefined) => void;

export interface InvalidationBus {
  readonly mode: 'local' | 'redis';
  /** Drops the entry on this node at once and, with Redis, on every other node. Never rejects. */
  publish(topic: InvalidationTopic, key?: string): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(topic: InvalidationTopic, handler: InvalidationHandler): () => void;
  close(): Promise<void>;
}

export interface InvalidationBusOptions {
  redisUrl?: string;
  /** Same prefix as the KV store's keys, so Gatehouse installations sharing a Redis do not hear each other. */
  keyPrefix?: string;
  /** Publish failures and connection errors (a publish never fails the write that triggered it). */
  onError?: (err: Error, what: string) => void;
  /** Bound on a publish while Redis hangs (default 1000 ms). */
  commandTimeoutMs?: number;
  /** Bound on waiting for the other nodes' acknowledgements of one message (default 1000 ms). */
  ackTimeoutMs?: number;
}

interface Message {
  /** topic */
  t: string;
  /** key (absent: all) */
  k?: string;
  /** the publishing node, so it does not handle its own message twice, and where the acknowledgement goes */
  n: string;
  /** the message's id, echoed in the acknowledgement */
  i?: string;
}

function createDispatcher() {
  const handlers = new Map<string, Set<InvalidationHandler>>();
  return {
    subscribe(topic: string, h: InvalidationHandler) {
      let set = handlers.get(topic);
      if (!set) handlers.set(topic, (set = new Set()));
      set.add(h);
      return () => void set.delete(h);
    },
    deliver(topic: string, key: string | undefined) {
      for (const h of handlers.get(topic) ?? []) {
        try {
          h(key);
        } catch {
          // A cache's handler only deletes entries; one failing must not stop the others.
        }
      }
    },
    deliverAll() {
      for (const topic of handlers.keys()) this.deliver(topic, undefined);
    },
  };
}

/** In-process only: single node (exact), or several nodes on one database (each cache's TTL is the bound). */
export function createLocalInvalidationBus(): InvalidationBus {
  const d = createDispatcher();
  return {
    mode: 'local',
    async publish(topic, key) {
      d.deliver(topic, key);
    },
    subscribe: (topic, h) => d.subscribe(topic, h),
    async close() {},
  };
}

interface Ack {
  got: number;
  expected: number | undefined;
  done: () => void;
}

function settle(w: Ack): void {
  if (w.expected !== undefined && w.got >= w.expected) w.done();
}

/**
 * Redis pub/sub with a dedicated subscriber connection (a subscribed ioredis connection can run
 * no other command) and a publisher connection. Resolves once subscribed, so a node never serves
 * a request before it can hear invalidations.
 */
export async function createRedisInvalidationBus(url: string, opts: Omit<InvalidationBusOptions, 'redisUrl'> = {}): Promise<InvalidationBus> {
  const channel = `${opts.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX}invalidate`;
  const node = randomBytes(8).toString('hex');
  const ackChannel = (n: string) => `${channel}-ack:${n}`;
  const myAcks = ackChannel(node);
  const ackTimeoutMs = opts.ackTimeoutMs ?? 1000;
  /** message id -> acknowledgements received, how many are expected (known once PUBLISH answers), what to call when all are in */
  const waiting = new Map<string, Ack>();
  const onError = opts.onError ?? (() => undefined);
  const d = createDispatcher();
  // Same connection rules as the KV store: fail at once at start when Redis does not answer, then
  // reconnect for ever; a publish during an outage fails fast (bounded) instead of queueing.
  const pub = await connectRedis(url, { commandTimeout: opts.commandTimeoutMs ?? 1000 }, (err: Error) => onError(err, 'invalidation publisher'));
  let sub;
  try {
    sub = await connectRedis(url, {}, (err: Error) => onError(err, 'invalidation subscriber'));
  } catch (err) {
    pub.disconnect();
    throw err;
  }
  sub.on('message', (ch: string, raw: string) => {
    if (ch === myAcks) {
      const w = waiting.get(raw);
      if (w) {
        w.got++;
        settle(w);
      }
      return;
    }
    if (ch !== channel) return;
    let m: Message;
    try {
      m = JSON.parse(raw) as Message;
    } catch {
      return;
    }
    if (typeof m?.t !== 'string' || typeof m.n !== 'string' || m.n === node) return;
    d.deliver(m.t, typeof m.k === 'string' ? m.k : undefined);
    // Acknowledged only after the handlers ran (they are synchronous, so the entry is gone).
    if (typeof m.i === 'string') pub.publish(ackChannel(m.n), m.i).catch((err: Error) => onError(err, 'invalidation acknowledgement'));
  });
  try {
    await sub.subscribe(channel, myAcks);
    await pub.ping();
  } catch (err) {
    pub.disconnect();
    sub.disconnect();
    throw err;
  }
  // ioredis re-subscribes after a reconnect; anything published meanwhile was lost, so drop all.
  let ready = true;
  sub.on('close', () => (ready = false));
  sub.on('ready', () => {
    if (!ready) d.deliverAll();
    ready = true;
  });

  return {
    mode: 'redis',
    async publish(topic, key) {
      d.deliver(topic, key);
      const id = randomBytes(8).toString('hex');
      const m: Message = { t: topic, ...(key !== undefined ? { k: key } : {}), n: node, i: id };
      let timer: NodeJS.Timeout | undefined;
      const w: Ack = { got: 0, expected: undefined, done: () => undefined };
      const allAcked = new Promise<void>((resolve) => (w.done = resolve));
      // Registered before the PUBLISH: an acknowledgement may be read before PUBLISH's reply.
      waiting.set(id, w);
      try {
        // PUBLISH answers how many subscribers got the message; one of them is this node.
        w.expected = Math.max(0, (await pub.publish(channel, JSON.stringify(m))) - 1);
        settle(w);
        const inTime = await Promise.race([allAcked.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ackTimeoutMs, false)))]);
        if (!inTime) onError(new Error(`${w.got} of ${w.expected} nodes acknowledged within ${ackTimeoutMs} ms`), `invalidation acknowledgement ${topic}`);
      } catch (err) {
        onError(err as Error, `invalidation publish ${topic}`);
      } finally {
        clearTimeout(timer);
        waiting.delete(id);
      }
    },
    subscribe: (topic, h) => d.subscribe(topic, h),
    async close() {
      await Promise.all([sub.quit().catch(() => sub.disconnect()), pub.quit().catch(() => pub.disconnect())]);
    },
  };
}

export async function createInvalidationBus(opts: InvalidationBusOptions): Promise<InvalidationBus> {
  return opts.redisUrl ? createRedisInvalidationBus(opts.redisUrl, opts) : createLocalInvalidationBus();
}
