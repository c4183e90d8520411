/**
 * A background task this node runs every `intervalMs`: one run at a time (a run asked for while
 * one is in flight calls `onBusy` instead of starting a second), an unref'd timer (it never keeps
 * the process alive on its own), and `stop()` that waits for the run in flight.
 *
 * What it does not do: coordinate nodes. Callers claim their work in shared storage (the
 * organisation-sync schedule's KV claim, the webhook outbox's row leases).
 */
export function periodicTask(o: { intervalMs: number; tick: () => Promise<void>; onError: (err: unknown) => void; onBusy?: () => void }) {
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let stopped = true;

  function run(): void {
    if (stopped) return;
    if (ticking) {
      o.onBusy?.();
      return;
    }
    ticking = o
      .tick()
      .catch(o.onError)
      .finally(() => {
        ticking = undefined;
      });
  }

  return {
    /** Runs now unless stopped or already running. */
    run,
    /** Whether stop() was called (long ticks check it between steps). */
    get stopped(): boolean {
      return stopped;
    },
    /** Starts (no-op when already started or when `intervalMs` is 0 or less), running once at once. */
    start(): void {
      if (timer || o.intervalMs <= 0) return;
      stopped = false;
      timer = setInterval(run, o.intervalMs);
      timer.unref();
      run();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await ticking;
    },
  };
}
