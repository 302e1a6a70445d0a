import type { Deps } from '../deps.js';
import { EMAIL_QUEUE, startEmailWorker } from './deliver-email.js';

export interface WorkerOptions {
  /** Seconds between polls when a queue is empty (pg-boss's minimum is 0.5). */
  pollingIntervalSeconds?: number;
  emailBatchSize?: number;
}

/** Starts every background worker of this process on the shared pg-boss queue. */
export async function startWorkers(deps: Deps, options: WorkerOptions = {}): Promise<void> {
  await startEmailWorker({
    boss: deps.queue.boss,
    delivery: deps.delivery,
    mailer: deps.mailer,
    log: deps.log,
    ...(options.emailBatchSize ? { batchSize: options.emailBatchSize } : {}),
    ...(options.pollingIntervalSeconds ? { pollingIntervalSeconds: options.pollingIntervalSeconds } : {}),
  });
}

/**
 * Waits until no email is waiting or in flight, or `timeoutMs` passes. The CLI uses it to deliver
 * what it just queued when no server is running; tests use it instead of sleeping.
 * Returns how many emails are still pending (0 = all settled).
 */
export async function waitForEmails(deps: Pick<Deps, 'queue'>, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await deps.queue.boss.getQueueSize(EMAIL_QUEUE, { before: 'completed' });
    if (!pending || Date.now() >= deadline) return pending ?? 0;
    await new Promise((r) => setTimeout(r, 50));
  }
}
