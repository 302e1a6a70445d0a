import { ErrorCode, type WebClient } from '@slack/web-api';
import type PgBoss from 'pg-boss';
import type { JobData } from '../db/queue.js';
import type { Clock } from '../invitations/invitation.js';
import type { NoticePost, NoticeService } from '../invitations/notices.js';
import type { Logger } from '../log.js';
import { noticesPosted } from '../metrics.js';
import { channelProblemText, noticeMessage } from '../slack/blocks/notice.js';

type PostJob = PgBoss.JobWithMetadata<JobData['notices.post']>;
export const POST_QUEUE = 'notices.post';
/** Rate-limited re-sends count as attempts too: a post that never gets through ends as failed. */
export const MAX_ATTEMPTS = 20;

export interface NoticeJobDeps {
  boss: PgBoss;
  notices: NoticeService;
  /** null when Slack is not configured: posts are then skipped (said once in the log). */
  slack: WebClient | null;
  log: Logger;
  clock: Clock;
  accountName: string;
  /** Told about a broken notice channel when nobody chose it from Slack (NOTICE_CHANNEL). */
  adminEmails: readonly string[];
  pollingIntervalSeconds?: number;
  /** Logs "Slack not configured" once per process instead of once per job. */
  once?: (key: string, write: () => void) => void;
}

export type SlackFailure =
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'transient'; reason: string }
  | { kind: 'permanent'; error: string; channelProblem: boolean };

/** Slack errors that say "retry later", not "this will never work". */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);
/** The channel itself is the problem: the admins must act (invite the bot, pick another channel). */
const CHANNEL_PROBLEMS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
]);

export function classifySlackError(err: unknown): SlackFailure {
  const e = err as {
    code?: string;
    retryAfter?: number;
    statusCode?: number;
    data?: { error?: string };
    message?: string;
  };
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return { kind: 'rate_limited', retryAfterSeconds: Math.max(1, e.retryAfter ?? 1) };
    case ErrorCode.PlatformError: {
      const error = e.data?.error ?? 'unknown_error';
      if (TRANSIENT.has(error)) return { kind: 'transient', reason: error };
      return { kind: 'permanent', error, channelProblem: CHANNEL_PROBLEMS.has(error) };
    }
    case ErrorCode.HTTPError:
      return (e.statusCode ?? 500) >= 500
        ? { kind: 'transient', reason: `HTTP ${e.statusCode}` }
        : { kind: 'permanent', error: `http_${e.statusCode}`, channelProblem: false };
    default:
      // Network failures (RequestError) and anything unexpected: retried with backoff, within the budget.
      return { kind: 'transient', reason: e?.message ?? String(err) };
  }
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
  const post = await deps.notices.post(postId);
  if (!post || post.state !== 'pending') return 'done';
  if (!deps.slack) {
    (deps.once ?? ((_k, w) => w()))('no-slack', () =>
      deps.log.info('Slack is not configured: channel notices and DMs are skipped'),
    );
    await deps.notices.markSkipped(postId, 'Slack is not configured');
    return 'done';
  }
  const message = noticeMessage(post, { accountName: deps.accountName, now: deps.clock() });
  if (!message) {
    // Everything in it was accepted, cancelled or replaced before it could be posted.
    await deps.notices.markSkipped(postId, 'nothing left to announce');
    return 'done';
  }
  const attempts = await deps.notices.countAttempt(postId);
  try {
    const channel = post.kind === 'dm' ? await dmChannel(deps.slack, post.recipientEmail) : post.channel;
    if (!channel) {
      deps.log.info({ postId }, 'no Slack user for a notice DM; skipped');
      await deps.notices.markSkipped(postId, 'no Slack user with that email');
      return 'done';
    }
    const r = await deps.slack.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
      unfurl_media: false,
    });
    await deps.notices.markPosted(postId, r.channel ?? channel, r.ts ?? '');
    noticesPosted.inc({ kind: post.kind });
    if (post.kind !== 'dm') await deps.notices.clearChannelError(channel);
    deps.log.info({ postId, kind: post.kind, lines: post.lines.length }, 'notice posted');
    return 'done';
  } catch (err) {
    return settleFailure(deps, post, job, attempts, err);
  }
}

async function settleFailure(
  deps: NoticeJobDeps,
  post: NoticePost,
  job: Pick<PostJob, 'retryCount' | 'retryLimit'>,
  attempts: number,
  err: unknown,
): Promise<'done' | 'retry'> {
  const failure = classifySlackError(err);
  if (failure.kind !== 'permanent' && attempts >= MAX_ATTEMPTS) {
    await deps.notices.markFailed(post.id, `gave up after ${attempts} attempts`);
    deps.log.error({ postId: post.id, attempts }, 'notice not posted: gave up');
    return 'done';
  }
  if (failure.kind === 'rate_limited') {
    // pg-boss's backoff knows nothing of Retry-After: this job completes and a new one starts after it.
    await deps.boss.send(POST_QUEUE, { postId: post.id }, { startAfter: Math.ceil(failure.retryAfterSeconds) });
    deps.log.warn(
      {
        postId: post.id,
        retryAfterSeconds: failure.retryAfterSeconds,
      },
      'Slack rate limit: notice re-queued',
    );
    return 'done';
  }
  if (failure.kind === 'transient') {
    if (job.retryCount < job.retryLimit) {
      deps.log.warn(
        {
          postId: post.id,
          reason: failure.reason,
          retry: job.retryCount + 1,
        },
        'notice not posted yet; will retry',
      );
      return 'retry';
    }
    await deps.notices.markFailed(post.id, `gave up after ${job.retryCount + 1} attempts: ${failure.reason}`);
    deps.log.error({ postId: post.id, reason: failure.reason }, 'notice not posted: gave up');
    return 'done';
  }
  // Permanent: never retried. Recorded on the post, and a channel problem is told to the admins once.
  await deps.notices.markFailed(post.id, failure.error);
  deps.log.warn({ postId: post.id, kind: post.kind, error: failure.error }, 'notice not posted: permanent Slack error');
  if (failure.channelProblem && post.kind !== 'dm' && post.channel) await tellAdmins(deps, post.channel, failure.error);
  return 'done';
}

/** The inviter's Slack user id (a DM is posted to the user id), or null when no such user exists. */
async function dmChannel(slack: WebClient, email: string | null): Promise<string | null> {
  if (!email) return null;
  try {
    return (await slack.users.lookupByEmail({ email })).user?.id ?? null;
  } catch (err) {
    if ((err as { data?: { error?: string } }).data?.error === 'users_not_found') return null;
    throw err;
  }
}

/** DMs the admin who chose the channel (or the bootstrap admins for NOTICE_CHANNEL), once per problem. */
async function tellAdmins(deps: NoticeJobDeps, channel: string, error: string): Promise<void> {
  const slack = deps.slack!;
  try {
    if (!(await deps.notices.recordChannelError(channel, error))) return;
    const setter = await deps.notices.channelSetter();
    let ids = setter?.slackUserId ? [setter.slackUserId] : [];
    if (!ids.length) {
      const emails = setter?.email ? [setter.email] : deps.adminEmails.slice(0, 3);
      ids = (await Promise.all(emails.map((e) => dmChannel(slack, e).catch(() => null)))).filter(
        (id): id is string => id !== null,
      );
    }
    if (!ids.length) deps.log.warn({ channel, error }, 'nobody to tell about the notice channel problem');
    const bot = await slack.auth.test().then(
      (r) => r.user_id ?? null,
      () => null,
    );
    for (const id of ids) {
      await slack.chat
        .postMessage({ channel: id, text: channelProblemText(channel, error, bot) })
        .catch((err: unknown) => deps.log.warn({ err }, 'could not DM an admin about the notice channel'));
    }
  } catch (err) {
    deps.log.error({ err }, 'could not record or report a notice channel problem');
  }
}
