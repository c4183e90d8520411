import { eventCatalog, type EmittedEvent, type EventInput, type EventName } from '@gatehouse/contracts';
import type { Logger } from '../../utils/logger.js';
import { sortableId } from '../../utils/ids.js';
import { nowIso } from '../../utils/time.js';

/**
 * The event service (design.md §3a): services and the sign-in engine emit catalogued events
 * (packages/contracts events/catalog.ts); the audit log, metrics and webhooks subscribe. Nothing
 * else writes audit rows.
 *
 * Two kinds of subscribers:
 *  - `subscribe`: called after `emit` returns, off the caller's path; a failing listener is
 *    logged and never fails the action that emitted (the audit writer batches, metrics count).
 *  - `subscribeInTransaction`: awaited inside `emit`, with the caller's database transaction
 *    when it passes one, so a listener can write in the same transaction as the change (the
 *    webhook outbox: no delivery for a rolled-back change, none lost after a commit). Its
 *    failure fails the emit and so the transaction.
 *
 * What this does not protect against: a process killed between a commit and the async
 * listeners loses those listeners' work for that event (audit batches flush within ~50 ms);
 * durable consumers must use `subscribeInTransaction`.
 */
export type EventListener = (event: EmittedEvent) => void | Promise<void>;
export type TransactionalListener = (event: EmittedEvent, trx: unknown) => Promise<void>;

export interface EmitOptions {
  /** The Kysely transaction the change was written in (transactional listeners write through it). */
  trx?: unknown;
}

export function createEventService(deps: { log: Logger }) {
  const listeners: EventListener[] = [];
  const transactional: TransactionalListener[] = [];

  async function emit<E extends EventName>(name: E, input: EventInput<E>, opts: EmitOptions = {}): Promise<EmittedEvent<E>> {
    if (!Object.prototype.hasOwnProperty.call(eventCatalog, name)) throw new Error(`uncatalogued event ${String(name)}`);
    const event: EmittedEvent<E> = { ...input, id: sortableId(), name, at: nowIso(), result: input.result ?? 'success' };
    for (const t of transactional) await t(event as EmittedEvent, opts.trx);
    for (const l of listeners) {
      try {
        const r = l(event as EmittedEvent);
        if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch((err: unknown) => deps.log.error({ err, event: name }, 'event listener failed'));
      } catch (err) {
        deps.log.error({ err, event: name }, 'event listener failed');
      }
    }
    return event;
  }

  return {
    emit,
    /** Fire-and-forget form for paths that must not wait (the listener errors are logged either way). */
    post<E extends EventName>(name: E, input: EventInput<E>): void {
      emit(name, input).catch((err: unknown) => deps.log.error({ err, event: name }, 'event emit failed'));
    },
    subscribe(listener: EventListener): () => void {
      listeners.push(listener);
      return () => void listeners.splice(listeners.indexOf(listener), 1);
    },
    subscribeInTransaction(listener: TransactionalListener): () => void {
      transactional.push(listener);
      return () => void transactional.splice(transactional.indexOf(listener), 1);
    },
  };
}
export type EventService = ReturnType<typeof createEventService>;
