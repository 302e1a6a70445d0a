import type PgBoss from 'pg-boss';
import type { JobData } from '../db/queue.js';
import type { Logger } from '../log.js';
import type { Tenants } from '../tenants.js';

export const ANSWERED_QUEUE = 'invitation.answered';

export interface AnsweredDeps {
  boss: PgBoss;
  tenants: Pick<Tenants, 'of' | 'accountOf'>;
  log: Logger;
  slackEnabled: boolean;
  pollingIntervalSeconds?: number;
  once?: (key: string, write: () => void) => void;
}

/**
 * An invitee accepted or declined (the job is enqueued in the same transaction as the answer). This
 * worker only records the news once and enqueues its posts — a channel line and a DM to the inviter —
 * so every Slack call, retry and error policy lives in the post worker.
 */
export async function startAnsweredWorker(deps: AnsweredDeps): Promise<void> {
  await deps.boss.work<JobData['invitation.answered']>(
    ANSWERED_QUEUE,
    { batchSize: 10, pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 1 },
    async (jobs) => {
      if (!deps.slackEnabled) {
        (deps.once ?? ((_k, w) => w()))('no-slack', () =>
          deps.log.info('Slack is not configured: channel notices and DMs are skipped'),
        );
        return;
      }
      for (const job of jobs) {
        // Recorded in the invitation's own account (its channel, its inviter).
        const accountId = await deps.tenants.accountOf({ invitationId: job.data.invitationId });
        if (!accountId) continue;
        const { notices } = await deps.tenants.of(accountId);
        const posts = await notices.recordAnswer(job.data.invitationId, job.data.answer);
        if (posts.length)
          deps.log.info(
            {
              invitationId: job.data.invitationId,
              answer: job.data.answer,
              posts: posts.length,
            },
            'answer news recorded',
          );
      }
    },
  );
}
