import type { Deps } from '../deps.js';
import { ANSWERED_QUEUE, startAnsweredWorker } from './answered-news.js';
import { EMAIL_QUEUE, startEmailWorker } from './deliver-email.js';
import { POST_QUEUE, startPostWorker } from './post-notices.js';
import { SWEEP_QUEUE, startSweepWorker } from './sweep-expiries.js';

export interface WorkerOptions {
  /** Seconds between polls when a queue is empty (pg-boss's minimum is 0.5). */
  pollingIntervalSeconds?: number;
  emailBatchSize?: number;
  /** See UNSETTLED_GRACE_SECONDS; tests whose retries come at once set 0. */
  emailUnsettledGraceSeconds?: number;
}

/** Starts every background worker of this process on the shared pg-boss queue. */
export async function startWorkers(deps: Deps, options: WorkerOptions = {}): Promise<void> {
  await startEmailWorker({
    boss: deps.queue.boss,
    delivery: deps.delivery,
    mailer: deps.mailer,
    log: deps.log,
    ...(options.emailBatchSize ? { batchSize: options.emailBatchSize } : {}),
    ...(options.emailUnsettledGraceSeconds !== undefined
      ? { unsettledGraceSeconds: options.emailUnsettledGraceSeconds }
      : {}),
    ...(options.pollingIntervalSeconds ? { pollingIntervalSeconds: options.pollingIntervalSeconds } : {}),
  });
  await startNoticeWorkers(deps, options);
}

/** The sweep, the answered-news recorder and the Slack poster (channel notices, DMs). */
async function startNoticeWorkers(deps: Deps, options: WorkerOptions): Promise<void> {
  const said = new Set<string>();
  const once = (key: string, write: () => void) => {
    if (!said.has(key)) {
      said.add(key);
      write();
    }
  };
  const common = {
    boss: deps.queue.boss,
    notices: deps.notices,
    log: deps.log,
    slackEnabled: deps.slackClient !== null,
    once,
    ...(options.pollingIntervalSeconds ? { pollingIntervalSeconds: options.pollingIntervalSeconds } : {}),
  };
  await startSweepWorker(common);
  await startAnsweredWorker(common);
  await startPostWorker({
    ...common,
    slack: deps.slackClient,
    clock: deps.clock,
    accountName: deps.config.accountName,
    adminEmails: deps.config.adminEmails,
  });
}

/**
 * Waits until none of `queues` has a job waiting, retrying or in flight, or `timeoutMs` passes.
 * The CLI uses it to deliver what it just queued when no server runs; tests use it instead of
 * sleeping. Returns how many jobs are still pending (0 = all settled).
 */
async function waitForQueues(deps: Pick<Deps, 'queue'>, queues: readonly string[], timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let pending = 0;
    for (const name of queues) pending += (await deps.queue.boss.getQueueSize(name, { before: 'completed' })) ?? 0;
    if (!pending || Date.now() >= deadline) return pending;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sweeps, answered-news and notice posts. */
export const waitForNotices = (deps: Pick<Deps, 'queue'>, timeoutMs: number): Promise<number> =>
  waitForQueues(deps, [SWEEP_QUEUE, ANSWERED_QUEUE, POST_QUEUE], timeoutMs);

/** Invitation emails. */
export const waitForEmails = (deps: Pick<Deps, 'queue'>, timeoutMs: number): Promise<number> =>
  waitForQueues(deps, [EMAIL_QUEUE], timeoutMs);
