import type PgBoss from 'pg-boss';
import type { JobData } from '../db/queue.js';
import type { BulkRequests } from '../invitations/bulk-requests.js';
import type { Logger } from '../log.js';
import type { WorkerSlack } from './account-slack.js';

export const BULK_QUEUE = 'invites.bulk';

export interface BulkJobDeps {
  boss: PgBoss;
  bulk: BulkRequests;
  /**
   * null when Slack is not configured: the invitations are still made, the summary goes nowhere (as
   * for an account without a live installation). Otherwise the request's account reports with its bot.
   */
  slack: WorkerSlack | null;
  /** True once the queue is stopping: a run stops between chunks instead of holding the shutdown. */
  stopping: () => boolean;
  log: Logger;
  pollingIntervalSeconds?: number;
}

/**
 * Runs recorded bulk invites one at a time (each is already chunked), and at start queues again
 * those a crashed or stopped process left unfinished: its job stays "active" until pg-boss expires
 * it, and the admin should not wait that long. A second run of the same request is harmless.
 */
export async function startBulkWorker(deps: BulkJobDeps): Promise<void> {
  await deps.boss.work<JobData['invites.bulk']>(
    BULK_QUEUE,
    // Bulk invites are rare and take seconds: a slow poll keeps PGlite's one connection for the others.
    { batchSize: 1, pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 2 },
    async ([job]) => {
      if (!job) return;
      const started = Date.now();
      const reporter = async (accountId: string) => (await deps.slack?.of(accountId))?.bulkReporter ?? null;
      await deps.bulk.run(job.data.requestId, { reporter, stopping: deps.stopping });
      deps.log.info({ requestId: job.data.requestId, ms: Date.now() - started }, 'bulk invite finished');
    },
  );
  const resumed = await deps.bulk.resume();
  if (resumed) deps.log.info({ resumed }, 'resuming unfinished bulk invites');
}
