import { isAppError } from '../../errors/app-error.js';
import type { KvStore } from '../../storage/kv/types.js';
import type { Logger } from '../../utils/logger.js';
import type { ConnectionWithSecrets } from '../identity-sources/types.js';
import { periodicTask } from '../../utils/periodic.js';
import { ORG_SOURCE_TYPES, syncIntervalMinutes, type OrgProvider, type OrgSync } from './sync.js';

/**
 * The scheduled organisation sync (docs/identity-providers-china.md "Organisational structure"):
 * a DingTalk or WeCom source whose fields set `syncIntervalMinutes` is synchronised again that
 * many minutes after its last run began (manual or scheduled; a source that never ran is due at
 * once). Every node looks every `orgSyncTickMs`; one node runs each due sync:
 *
 *  - a due run is claimed in the shared KV under the last run's start time
 *    (`org-sync:due:<pool>:<provider>:<lastStartedAt>`, setIfAbsent): two nodes that read the same
 *    report compete for the same key and one wins; a node that reads the report after that run
 *    began sees a newer start and nothing due;
 *  - the run itself takes the same per-pool-and-provider lock as `start-sync` (never two at once),
 *    and writes the same report, with `trigger: "schedule"`.
 */
export interface OrgSyncSchedulerDeps {
  kv: KvStore;
  orgSync: Pick<OrgSync, 'start' | 'lastReport'>;
  /** Connections of the organisation-source types, in every pool, with their fields. */
  sources(types: string[]): Promise<ConnectionWithSecrets[]>;
  log: Logger;
  tickMs: number;
}

const PROVIDER_OF_TYPE = new Map(Object.entries(ORG_SOURCE_TYPES).map(([provider, type]) => [type, provider as OrgProvider]));
/** The claim outlives the window in which another node could still read the previous report. */
const CLAIM_MIN_TTL_MS = 10 * 60 * 1000;

export function createOrgSyncScheduler(deps: OrgSyncSchedulerDeps) {
  const stats = { ticks: 0, started: 0 };

  async function tick(): Promise<void> {
    stats.ticks++;
    for (const conn of await deps.sources([...PROVIDER_OF_TYPE.keys()])) {
      if (task.stopped) return;
      const interval = syncIntervalMinutes(conn);
      const provider = PROVIDER_OF_TYPE.get(conn.type);
      if (!interval || !provider) continue;
      try {
        const last = await deps.orgSync.lastReport(conn.poolId, provider);
        if (last?.status === 'running') continue;
        const lastStart = last?.startedAt ? Date.parse(last.startedAt) : 0;
        if (Date.now() < lastStart + interval * 60_000) continue;
        const claim = `org-sync:due:${conn.poolId}:${provider}:${lastStart}`;
        if (!(await deps.kv.setIfAbsent(claim, '1', Math.max(CLAIM_MIN_TTL_MS, 2 * interval * 60_000)))) continue;
        await deps.orgSync.start(conn.poolId, provider, { connectionId: conn.id, trigger: 'schedule' });
        stats.started++;
        deps.log.info({ poolId: conn.poolId, provider, connection: conn.id }, 'scheduled organisation sync started');
      } catch (err) {
        // Another node's run holds the lock, or the source is ambiguous / gone: the next tick looks again.
        if (isAppError(err) && err.code === 'china.sync_running') continue;
        deps.log.warn({ err, poolId: conn.poolId, provider, connection: conn.id }, 'scheduled organisation sync not started');
      }
    }
  }

  const task = periodicTask({ intervalMs: deps.tickMs, tick, onError: (err) => deps.log.error({ err }, 'organisation sync schedule tick failed') });

  return {
    tick,
    /** Ticks and runs started by this node (tests and metrics). */
    stats,
    /** Starts looking every `tickMs` (0: this node never looks). */
    start: task.start,
    stop: task.stop,
  };
}
export type OrgSyncScheduler = ReturnType<typeof createOrgSyncScheduler>;
