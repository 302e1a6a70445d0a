import type { JobData } from '../db/queue.js';
import type { NoticeJobDeps } from './post-notices.js';

export const UPDATE_QUEUE = 'notices.update';

type RedrawDeps = Pick<NoticeJobDeps, 'boss' | 'tenants' | 'slack' | 'log' | 'clock'> & {
  pollingIntervalSeconds?: number;
};

export async function startRedrawWorker(deps: RedrawDeps): Promise<void> {
  await deps.boss.work<JobData['notices.update']>(
    UPDATE_QUEUE,
    { batchSize: 5, pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 1, includeMetadata: true },
    async (jobs) => {
      const retry: string[] = [];
      for (const job of jobs) if ((await redrawOne(deps, job.data.postId)) === 'retry') retry.push(job.id);
      if (retry.length) await deps.boss.fail(UPDATE_QUEUE, retry);
    },
  );
}

/**
 * Redraws one posted notice in place (chat.update), as things stand now. Cosmetic: the action it
 * reports is done and recorded, so a refusal is logged, never retried, and a disconnected Slack is
 * not called at all; only a rate limit or a transient failure is tried again.
 */
export async function redrawOne(deps: RedrawDeps, postId: string): Promise<'done' | 'retry'> {
  // The post's own account, as for posting (src/jobs/post-notices.ts).
  const accountId = await deps.tenants.accountOf({ postId });
  if (!accountId || !deps.slack) return 'done';
  const { notices, connection } = await deps.tenants.of(accountId);
  const post = await notices.post(postId);
  if (post?.state !== 'posted') return 'done';
  const down = await connection.state();
  if (down) {
    deps.log.info({ postId, reason: down.reason }, 'Slack is disconnected: notice not redrawn');
    return 'done';
  }
  const slack = await deps.slack.of(accountId);
  if (!slack) {
    deps.log.info({ postId, accountId }, 'no Slack installation for the account: notice not redrawn');
    return 'done';
  }
  const outcome = await slack.poster.update(post, deps.clock());
  switch (outcome.kind) {
    case 'posted':
      deps.log.info({ postId, kind: post.kind }, 'notice redrawn');
      return 'done';
    case 'rate_limited':
      await deps.boss.send(UPDATE_QUEUE, { postId }, { startAfter: Math.ceil(outcome.retryAfterSeconds) });
      return 'done';
    case 'transient':
      return 'retry';
    case 'disconnected':
      await connection.disconnect(outcome.error);
      deps.log.warn({ postId, error: outcome.error }, 'Slack refused the bot token: notice not redrawn');
      return 'done';
    default:
      deps.log.warn({ postId, outcome }, 'notice not redrawn');
      return 'done';
  }
}
