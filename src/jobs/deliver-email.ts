import { randomUUID } from 'node:crypto';
import type PgBoss from 'pg-boss';
import type { JobData } from '../db/queue.js';
import type { DeliveryOutcome, EmailContext, OutcomeRecord } from '../delivery/service.js';
import { type EmailMessage, POSTMARK_BATCH_LIMIT, renderInvitationEmail, type SendResult } from '../email/index.js';
import { emailOutcomes } from '../metrics.js';
import { type AttemptLookupDeps, settleUnsettledAttempts } from './email-attempts.js';

type EmailJob = PgBoss.JobWithMetadata<JobData['email.send']>;
export const EMAIL_QUEUE = 'email.send';

export interface EmailWorkerDeps extends AttemptLookupDeps {
  boss: PgBoss;
  /** How many queued emails one fetch (and so one Postmark batch call) may carry; default and max 500. */
  batchSize?: number;
  pollingIntervalSeconds?: number;
}

/**
 * Sends queued invitation emails in batches. Each job is settled on its own: a message Postmark
 * accepted is never retried because a neighbour in its batch failed; transient failures go back to
 * pg-boss with backoff until the budget runs out, then the invitation says "failed".
 */
export async function startEmailWorker(deps: EmailWorkerDeps): Promise<void> {
  const batchSize = Math.min(deps.batchSize ?? POSTMARK_BATCH_LIMIT, POSTMARK_BATCH_LIMIT);
  let workerId: string | null = null;
  workerId = await deps.boss.work<JobData['email.send']>(
    EMAIL_QUEUE,
    // A full Postmark batch per fetch: a bulk invite of N addresses costs ceil(N / 500) calls.
    { batchSize, pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 1, includeMetadata: true },
    async (jobs) => {
      await deliverBatch(deps, jobs);
      // A full batch means more are likely waiting: fetch again at once instead of sleeping out the
      // polling interval, which capped a backlog at one batch per interval (~500 emails/s).
      if (jobs.length >= batchSize && workerId) deps.boss.notifyWorker(workerId);
    },
  );
}

/**
 * One batch, crash-safe: attempts left unsettled are looked up first; a request an accepted email
 * already answered is not sent again; every other message is sent under a send attempt committed
 * before the call (see docs/decisions/2026-12-03-email-send-attempts.md).
 */
export async function deliverBatch(deps: EmailWorkerDeps, jobs: EmailJob[]): Promise<void> {
  const contexts = await deps.delivery.contexts([...new Set(jobs.map((j) => j.data.invitationId))]);
  // Invitations closed since the job was queued (superseded, cancelled, answered) are not mailed.
  const open = jobs.filter((j) => contexts.has(j.data.invitationId));
  if (open.length < jobs.length)
    deps.log.info({ count: jobs.length - open.length }, 'dropped emails for invitations no longer open');
  if (!open.length) return;

  const waiting = await settleUnsettledAttempts(deps, contexts);
  const answered = open.filter((j) => !waiting.has(j.data.invitationId) && alreadyEmailed(j, ctxOf(contexts, j)));
  for (const job of answered)
    deps.log.info({ invitationId: job.data.invitationId, kind: job.data.kind }, 'email already sent; not sent again');

  const toSend = open.filter((j) => !waiting.has(j.data.invitationId) && !answered.includes(j));
  const attempt = randomUUID();
  const claimed = await deps.delivery.claim([...new Set(toSend.map((j) => j.data.invitationId))], attempt);
  // One message per invitation even when several requests for it share the batch; the newest words it.
  const deciders = new Map<string, EmailJob>();
  for (const job of toSend) {
    const id = job.data.invitationId;
    const current = deciders.get(id);
    if (!claimed.has(id)) waiting.set(id, 'another send of this invitation is in flight');
    else if (!current || createdMs(job) >= createdMs(current)) deciders.set(id, job);
  }
  const batch = [...deciders.values()];
  const results = batch.length
    ? await deps.mailer.sendBatch(batch.map((job) => toMessage(job, ctxOf(contexts, job), attempt)))
    : [];
  const resultOf = new Map(batch.map((job, i) => [job.data.invitationId, results[i]]));

  const outcomes: { job: EmailJob; outcome: DeliveryOutcome }[] = [];
  const records: OutcomeRecord[] = [];
  for (const job of open) {
    if (answered.includes(job)) continue;
    const id = job.data.invitationId;
    const reason = waiting.get(id);
    if (reason !== undefined) {
      const outcome = outcomeOf(job, { ok: false, permanent: false, code: 'unsettled', reason });
      outcomes.push({ job, outcome });
      // Only giving up is written ("retrying" could overwrite what a send in flight records), and only
      // while the attempt it waited on is still there, which stays to be looked up by a later request.
      const seen = ctxOf(contexts, job).unsettled?.attempt ?? null;
      if (outcome.kind === 'failed') records.push({ invitationId: id, outcome, attempt: seen, keepAttempt: true });
      continue;
    }
    const result = resultOf.get(id);
    const outcome = outcomeOf(job, result);
    outcomes.push({ job, outcome });
    if (deciders.get(id) === job)
      records.push({
        invitationId: id,
        outcome,
        attempt,
        keepAttempt: !result || (!result.ok && result.unanswered === true),
      });
  }

  await deps.delivery.record(records);
  for (const r of records) emailOutcomes.inc({ outcome: r.outcome.kind });
  const retry = outcomes.filter((o) => o.outcome.kind === 'retrying');
  if (retry.length)
    await deps.boss.fail(
      EMAIL_QUEUE,
      retry.map((o) => o.job.id),
    );
  for (const { job, outcome } of outcomes) {
    if (outcome.kind === 'sent')
      deps.log.info({ invitationId: job.data.invitationId, kind: job.data.kind, via: deps.mailer.name }, 'email sent');
    else deps.log.warn({ invitationId: job.data.invitationId, reason: outcome.reason }, `email ${outcome.kind}`);
  }
}

const ctxOf = (contexts: Map<string, EmailContext>, job: EmailJob): EmailContext =>
  contexts.get(job.data.invitationId) as EmailContext;
const createdMs = (job: EmailJob): number => new Date(job.createdOn).getTime();

/**
 * Whether an email the provider accepted was attempted after this job was queued: then the job's
 * request is answered (its own send whose outcome a crash kept from being recorded, or a newer one).
 */
function alreadyEmailed(job: EmailJob, ctx: EmailContext): boolean {
  return ctx.emailedAt !== null && new Date(ctx.emailedAt).getTime() >= createdMs(job);
}

function outcomeOf(job: EmailJob, result: SendResult | undefined): DeliveryOutcome {
  if (!result) return { kind: 'retrying', reason: 'no result from the mailer' };
  if (result.ok) return { kind: 'sent', messageId: result.messageId };
  if (result.permanent) return { kind: 'failed', permanent: true, reason: result.reason, code: result.code };
  return job.retryCount < job.retryLimit
    ? { kind: 'retrying', reason: result.reason }
    : {
        kind: 'failed',
        permanent: false,
        reason: `gave up after ${job.retryCount + 1} attempts: ${result.reason}`,
        code: result.code,
      };
}

function toMessage(job: EmailJob, ctx: EmailContext, sendAttempt: string): EmailMessage {
  const rendered = renderInvitationEmail({
    kind: job.data.kind,
    accountName: ctx.accountName,
    inviter: ctx.inviter,
    invitee: ctx.invitee,
    link: ctx.link,
    expiresAt: ctx.expiresAt,
  });
  return {
    to: ctx.invitee.email,
    ...rendered,
    tag: job.data.kind,
    metadata: { invitationId: ctx.invitationId, accountId: ctx.accountId, sendAttempt },
  };
}
