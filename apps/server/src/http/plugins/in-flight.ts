import type { FastifyInstance, RouteHandlerMethod } from 'fastify';

/**
 * Graceful shutdown waits for route handlers, not only for connections.
 *
 * `app.close()` stops accepting and waits until every connection has closed. A client that
 * gives up (a load generator stopping, a browser tab closed) closes its connection while its
 * handler still runs: a sign-in queued at the hashing pool goes on to write its counters,
 * history and grant after the hash. Without this, `close()` returned at once and main.ts closed
 * the database under it ("The database connection is not open", the attempt's counters left
 * as they were). Here every handler is counted while it runs, and an onClose hook waits for the
 * count to reach zero, bounded by `maxWaitMs` (main.ts exits anyway after its own 10 s).
 *
 * What this does not cover: work a handler starts and does not await (the oidc-provider mount
 * hands the request over and returns; its own requests are short), and timers of the services
 * themselves, which their own close() settles.
 */
export function registerInFlight(app: FastifyInstance, maxWaitMs = 8_000): void {
  let running = 0;
  let idle: Array<() => void> = [];
  const done = () => {
    running--;
    if (running === 0) {
      const waiting = idle;
      idle = [];
      for (const w of waiting) w();
    }
  };
  // Wraps each route's handler as it is added (the hook must come before the routes). A handler
  // that answers synchronously keeps doing so: only a returned promise is waited for.
  app.addHook('onRoute', (route) => {
    const handler = route.handler as (...a: unknown[]) => unknown;
    route.handler = function (this: unknown, ...args: unknown[]) {
      running++;
      let result: unknown;
      try {
        result = handler.apply(this, args);
      } catch (err) {
        done();
        throw err;
      }
      if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
        return Promise.resolve(result).finally(done);
      }
      done();
      return result;
    } as RouteHandlerMethod;
  });
  app.addHook('onClose', async () => {
    if (running === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, maxWaitMs);
      timer.unref();
      idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  });
}
