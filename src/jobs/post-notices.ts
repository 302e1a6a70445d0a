import type PgBoss from 'pg-boss';
import type { JobData } from '../db/queue.js';
import type { Clock } from '../invitations/invitation.js';
import type { Logger } from '../log.js';
import { noticesPosted } from '../metrics.js';
import type { NoticePoster, PostOutcome } from '../notices/poster.js';
import type { NoticePost } from '../notices/service.js';
import type { Tenant, Tenants } from '../tenants.js';
import { NOT_INSTALLED, type WorkerSlack } from './account-slack.js';

type PostJob = PgBoss.JobWithMetadata<JobData['notices.post']>;
export const POST_QUEUE = 'notices.post';
/** Rate-limited re-sends count as attempts too: a post that never gets through ends as failed. */
export const MAX_ATTEMPTS = 20;

export interface NoticeJobDeps {
  boss: PgBoss;
  /** Each post's account services (notices, channel, connection), found from the post's row. */
  tenants: Pick<Tenants, 'of' | 'accountOf'>;
  /** null when Slack is not configured: posts are then skipped (said once in the log). */
  slack: WorkerSlack | null;
  log: Logger;
  clock: Clock;
  /**
   * The deployment's account and ADMIN_EMAILS, told about a broken notice channel when nobody
   * chose it from Slack (NOTICE_CHANNEL). Other accounts' admins are never ADMIN_EMAILS.
   */
  home: { accountId: string; adminEmails: readonly string[] };
  pollingIntervalSeconds?: number;
  /** Logs "Slack not configured" once per process instead of once per job. */
  once?: (key: string, write: () => void) => void;
}

export async function startPostWorker(deps: NoticeJobDeps): Promise<void> {
  await deps.boss.work<JobData['notices.post']>(
    POST_QUEUE,
    { batchSize: 5, pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 1, includeMetadata: true },
    async (jobs) => {
      const retry: string[] = [];
      // One after the other: Slack allows about one message per second per channel.
      for (const job of jobs) if ((await postOne(deps, job)) === 'retry') retry.push(job.id);
      if (retry.length) await deps.boss.fail(POST_QUEUE, retry);
    },
  );
}

/**
 * Posts one recorded message. The post row is the source of truth: only a `pending` post is sent,
 * and its ts is stored the moment Slack answers, so a job retried after a successful post stops at
 * the first check. (A crash between Slack's answer and that write can still repeat one message:
 * chat.postMessage has no idempotency key. The window is one UPDATE long.)
 */
export async function postOne(
  deps: NoticeJobDeps,
  job: Pick<PostJob, 'data' | 'retryCount' | 'retryLimit'>,
): Promise<'done' | 'retry'> {
  const { postId } = job.data;
  // The post's own account: its services, its channel, its bot token (never the job's payload).
  const accountId = await deps.tenants.accountOf({ postId });
  if (!accountId) return 'done';
  const tenant = await deps.tenants.of(accountId);
  const post = await tenant.notices.post(postId);
  if (post?.state !== 'pending') return 'done';
  if (!deps.slack) {
    (deps.once ?? ((_k, w) => w()))('no-slack', () =>
      deps.log.info('Slack is not configured: channel notices and DMs are skipped'),
    );
    await tenant.notices.markSkipped(postId, 'Slack is not configured');
    return 'done';
  }
  const down = await tenant.connection.state();
  if (down) {
    deps.log.info({ postId, accountId, reason: down.reason }, 'Slack is disconnected: notice dropped');
    await tenant.notices.markSkipped(postId, `Slack is disconnected (${down.reason})`);
    return 'done';
  }
  const slack = await deps.slack.of(accountId);
  if (!slack) {
    deps.log.info({ postId, accountId }, 'no Slack installation for the account: notice dropped');
    await tenant.notices.markSkipped(postId, NOT_INSTALLED);
    return 'done';
  }
  const at: At = { ...deps, tenant, poster: slack.poster };
  const attempts = await tenant.notices.countAttempt(postId);
  const outcome = await slack.poster.post(post, deps.clock());
  switch (outcome.kind) {
    case 'posted':
      await tenant.notices.markPosted(postId, outcome.channel, outcome.ts);
      noticesPosted.inc({ kind: post.kind });
      if (post.kind !== 'dm') await tenant.channel.clearError(outcome.channel);
      deps.log.info({ postId, accountId, kind: post.kind, lines: post.lines.length }, 'notice posted');
      return 'done';
    case 'skipped':
      deps.log.info({ postId, reason: outcome.reason }, 'notice skipped');
      await tenant.notices.markSkipped(postId, outcome.reason);
      return 'done';
    default:
      return settleFailure(at, post, job, attempts, outcome);
  }
}

/** A post's job with its account found: the account's services and its Slack. */
type At = NoticeJobDeps & { tenant: Tenant; poster: NoticePoster };

async function settleFailure(
  deps: At,
  post: NoticePost,
  job: Pick<PostJob, 'retryCount' | 'retryLimit'>,
  attempts: number,
  failure: Exclude<PostOutcome, { kind: 'posted' | 'skipped' }>,
): Promise<'done' | 'retry'> {
  if (failure.kind === 'disconnected') {
    // No retry can succeed with a dead token: record it (later posts stop before calling Slack).
    if (await deps.tenant.connection.disconnect(failure.error))
      deps.log.warn(
        { error: failure.error },
        'Slack refused the bot token: notices stop until a working token is back',
      );
    await deps.tenant.notices.markSkipped(post.id, `Slack is disconnected (${failure.error})`);
    return 'done';
  }
  if (failure.kind !== 'permanent' && attempts >= MAX_ATTEMPTS) {
    await deps.tenant.notices.markFailed(post.id, `gave up after ${attempts} attempts`);
    deps.log.error({ postId: post.id, attempts }, 'notice not posted: gave up');
    return 'done';
  }
  if (failure.kind === 'rate_limited') {
    // pg-boss's backoff knows nothing of Retry-After: this job completes and a new one starts after it.
    await deps.boss.send(POST_QUEUE, { postId: post.id }, { startAfter: Math.ceil(failure.retryAfterSeconds) });
    deps.log.warn(
      { postId: post.id, retryAfterSeconds: failure.retryAfterSeconds },
      'Slack rate limit: notice re-queued',
    );
    return 'done';
  }
  if (failure.kind === 'transient') {
    if (job.retryCount < job.retryLimit) {
      deps.log.warn(
        { postId: post.id, reason: failure.reason, retry: job.retryCount + 1 },
        'notice not posted yet; will retry',
      );
      return 'retry';
    }
    await deps.tenant.notices.markFailed(post.id, `gave up after ${job.retryCount + 1} attempts: ${failure.reason}`);
    deps.log.error({ postId: post.id, reason: failure.reason }, 'notice not posted: gave up');
    return 'done';
  }
  // Permanent: never retried. Recorded on the post, and a channel problem is told to the admins once.
  await deps.tenant.notices.markFailed(post.id, failure.error);
  deps.log.warn({ postId: post.id, kind: post.kind, error: failure.error }, 'notice not posted: permanent Slack error');
  if (failure.channelProblem && post.kind !== 'dm' && post.channel) await tellAdmins(deps, post.channel, failure.error);
  return 'done';
}

/** DMs the admin who chose the channel (or the bootstrap admins for NOTICE_CHANNEL), once per problem. */
async function tellAdmins(deps: At, channel: string, error: string): Promise<void> {
  try {
    if (!(await deps.tenant.channel.recordError(channel, error))) return;
    const setter = await deps.tenant.channel.setter();
    const to = setter?.slackUserId
      ? { slackUserIds: [setter.slackUserId], emails: [] }
      : { slackUserIds: [], emails: setter?.email ? [setter.email] : bootstrapAdmins(deps).slice(0, 3) };
    const told = await deps.poster.tellChannelProblem(to, channel, error);
    if (!told) deps.log.warn({ channel, error }, 'nobody to tell about the notice channel problem');
  } catch (err) {
    deps.log.error({ err }, 'could not record or report a notice channel problem');
  }
}

/** ADMIN_EMAILS belong to the deployment's account only. */
const bootstrapAdmins = (deps: At): readonly string[] =>
  deps.tenant.accountId === deps.home.accountId ? deps.home.adminEmails : [];
