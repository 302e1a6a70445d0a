import type PgBoss from 'pg-boss';
import type { Logger } from '../log.js';
import { sweepSeconds, timed } from '../metrics.js';
import type { NoticeService, SweepResult } from '../notices/service.js';
import type { Tenants } from '../tenants.js';

export const SWEEP_QUEUE = 'notices.sweep';

export interface SweepDeps {
  boss: PgBoss;
  /** Every account is swept (each in its own transaction). */
  tenants: Pick<Tenants, 'of' | 'accountIds'>;
  log: Logger;
  /** false when Slack is not configured: nothing is recorded, so nothing piles up unannounced. */
  slackEnabled: boolean;
  /** Hands the worker the emails the hourly cap queued whose time has come (with or without Slack). */
  releaseEmails: () => Promise<number>;
  pollingIntervalSeconds?: number;
}

/**
 * One account's sweep, run now in this process. The notices service records new expiries and due
 * reminders and enqueues their digest posts in one transaction; concurrent sweeps serialize on the
 * account row.
 */
export async function runSweep(
  deps: Pick<SweepDeps, 'log' | 'slackEnabled'> & { notices: NoticeService } & Partial<
      Pick<SweepDeps, 'releaseEmails'>
    >,
): Promise<SweepResult> {
  await releaseHeld(deps);
  if (!deps.slackEnabled) return { posts: [], redraws: [] };
  const result = await deps.notices.sweep();
  for (const p of result.posts) deps.log.info({ kind: p.kind, count: p.count, postId: p.id }, 'notices recorded');
  if (result.redraws.length) deps.log.info({ count: result.redraws.length }, 'requests answered elsewhere: redrawing');
  return result;
}

/**
 * The sweep of every account: the held emails first (all accounts at once), then each account in its
 * own transaction. One account's failure is logged and the others are still swept; the job fails
 * afterwards (so it shows), and the next interval sweeps that account again.
 */
export async function sweepAccounts(
  deps: Pick<SweepDeps, 'tenants' | 'log' | 'slackEnabled' | 'releaseEmails'>,
): Promise<SweepResult> {
  const all: SweepResult = { posts: [], redraws: [] };
  await releaseHeld(deps);
  if (!deps.slackEnabled) return all;
  let failed = 0;
  for (const accountId of await deps.tenants.accountIds()) {
    try {
      const { notices } = await deps.tenants.of(accountId);
      const r = await runSweep({ notices, log: deps.log, slackEnabled: true });
      all.posts.push(...r.posts);
      all.redraws.push(...r.redraws);
    } catch (err) {
      failed++;
      deps.log.error({ err, accountId }, 'sweep of one account failed; the other accounts are swept');
    }
  }
  if (failed) throw new Error(`the sweep of ${failed} account(s) failed`);
  return all;
}

async function releaseHeld(deps: Pick<SweepDeps, 'log'> & Partial<Pick<SweepDeps, 'releaseEmails'>>) {
  const released = (await deps.releaseEmails?.()) ?? 0;
  if (released) deps.log.info({ count: released }, 'queued emails released under the hourly cap');
}

export async function startSweepWorker(deps: SweepDeps): Promise<void> {
  await deps.boss.work(SWEEP_QUEUE, { pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 1 }, async () => {
    await timed(sweepSeconds, () => sweepAccounts(deps));
  });
}

/**
 * Asks for a sweep. pg-boss's `schedule()` is minute-granular, so each server instance sends this on
 * its own EXPIRY_SWEEP_INTERVAL timer; singletonKey + singletonSeconds let only ONE job per interval
 * slot exist, however many instances send it.
 */
export async function requestSweep(boss: PgBoss, intervalMs: number): Promise<void> {
  await boss.send(
    SWEEP_QUEUE,
    {},
    { singletonKey: 'sweep', singletonSeconds: Math.max(1, Math.round(intervalMs / 1000)) },
  );
}

/** The server's sweep timer: one request now, then one per interval. */
export function startSweepTimer(boss: PgBoss, intervalMs: number, log: Logger): { stop(): void } {
  const tick = () =>
    void requestSweep(boss, intervalMs).catch((err: unknown) => log.error({ err }, 'could not request a sweep'));
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
