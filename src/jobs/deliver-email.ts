import type PgBoss from 'pg-boss';
import type { JobData } from '../db/queue.js';
import {
  type EmailMessage,
  type Mailer,
  POSTMARK_BATCH_LIMIT,
  renderInvitationEmail,
  type SendResult,
} from '../email/index.js';
import type { DeliveryOutcome, DeliveryService, EmailContext } from '../invitations/delivery.js';
import type { Logger } from '../log.js';
import { emailOutcomes } from '../metrics.js';

type EmailJob = PgBoss.JobWithMetadata<JobData['email.send']>;
export const EMAIL_QUEUE = 'email.send';

export interface EmailWorkerDeps {
  boss: PgBoss;
  delivery: DeliveryService;
  mailer: Mailer;
  log: Logger;
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

export async function deliverBatch(deps: EmailWorkerDeps, jobs: EmailJob[]): Promise<void> {
  const contexts = await deps.delivery.contexts([...new Set(jobs.map((j) => j.data.invitationId))]);
  // Invitations closed since the job was queued (superseded, cancelled, answered) are not mailed.
  const sendable = jobs.filter((j) => contexts.has(j.data.invitationId));
  if (sendable.length < jobs.length)
    deps.log.info({ count: jobs.length - sendable.length }, 'dropped emails for invitations no longer open');
  if (!sendable.length) return;

  const messages = sendable.map((j) => toMessage(j, contexts.get(j.data.invitationId)!));
  const results = await deps.mailer.sendBatch(messages);
  const outcomes = sendable.map((job, i) => ({ job, outcome: outcomeOf(job, results[i]) }));
  for (const { outcome } of outcomes) emailOutcomes.inc({ outcome: outcome.kind });

  await deps.delivery.record(outcomes.map(({ job, outcome }) => ({ invitationId: job.data.invitationId, outcome })));
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

function toMessage(job: EmailJob, ctx: EmailContext): EmailMessage {
  const rendered = renderInvitationEmail({
    kind: job.data.kind,
    accountName: ctx.accountName,
    inviter: ctx.inviter,
    invitee: ctx.invitee,
    link: ctx.link,
    expiresAt: ctx.expiresAt,
  });
  return { to: ctx.invitee.email, ...rendered, tag: job.data.kind, metadata: { invitationId: ctx.invitationId } };
}
