import type PgBoss from 'pg-boss';
import type { DmService } from '../delivery/dms.js';
import type { DeliveryService } from '../delivery/service.js';
import type { Mailer } from '../email/index.js';
import type { BulkRequests } from '../invitations/bulk-requests.js';
import type { Clock } from '../invitations/invitation.js';
import type { Logger } from '../log.js';
import type { Tenants } from '../tenants.js';
import type { WorkerSlack } from './account-slack.js';
import { ANSWERED_QUEUE, startAnsweredWorker } from './answered-news.js';
import { BULK_QUEUE, startBulkWorker } from './bulk-invites.js';
import { EMAIL_QUEUE, startEmailWorker } from './deliver-email.js';
import { DM_QUEUE, type DmDrainer, dmDrainer, startDmWorker } from './invite-dms.js';
import { POST_QUEUE, startPostWorker } from './post-notices.js';
import { startRedrawWorker, UPDATE_QUEUE } from './redraw-notices.js';
import { SWEEP_QUEUE, startSweepWorker } from './sweep-expiries.js';

export interface WorkerOptions {
  /**
   * Each account's Slack (notices, invitation DMs, bulk summaries); null when Slack is not
   * configured. See src/slack/worker-client.ts.
   */
  slack?: WorkerSlack | null;
  /** Send invitation DMs through it (default: whenever `slack` is given). */
  dms?: boolean;
  /** Seconds between polls when a queue is empty (pg-boss's minimum is 0.5). */
  pollingIntervalSeconds?: number;
  emailBatchSize?: number;
  /** See UNSETTLED_GRACE_SECONDS; tests whose retries come at once set 0. */
  emailUnsettledGraceSeconds?: number;
}

/** What the workers need: the queue, the services they drive and the mailer. */
export interface WorkerDeps {
  boss: PgBoss;
  delivery: DeliveryService;
  dms: DmService;
  /** INVITE_BY_DM. */
  inviteByDm: boolean;
  mailer: Mailer;
  /** Every account's services: each job works in the account of the row it works on. */
  tenants: Tenants;
  /** The deployment's own account (ACCOUNT_NAME). */
  accountId: string;
  log: Logger;
  clock: Clock;
  /** The deployment account's admins, told about a broken notice channel nobody chose from Slack (NOTICE_CHANNEL). */
  adminEmails: readonly string[];
  releaseEmails: () => Promise<number>;
  bulk: BulkRequests;
  /** The queue is stopping (see Queue.stopping). */
  stopping: () => boolean;
}

/** Starts every background worker of this process on the shared pg-boss queue. */
export async function startWorkers(deps: WorkerDeps, options: WorkerOptions = {}): Promise<DmDrainer | null> {
  const polling = options.pollingIntervalSeconds ? { pollingIntervalSeconds: options.pollingIntervalSeconds } : {};
  await startEmailWorker({
    boss: deps.boss,
    delivery: deps.delivery,
    mailer: deps.mailer,
    log: deps.log,
    ...(options.emailBatchSize ? { batchSize: options.emailBatchSize } : {}),
    ...(options.emailUnsettledGraceSeconds !== undefined
      ? { unsettledGraceSeconds: options.emailUnsettledGraceSeconds }
      : {}),
    ...polling,
  });
  const said = new Set<string>();
  const once = (key: string, write: () => void) => {
    if (!said.has(key)) {
      said.add(key);
      write();
    }
  };
  const slack = options.slack ?? null;
  const common = {
    boss: deps.boss,
    tenants: deps.tenants,
    log: deps.log,
    slackEnabled: slack !== null,
    releaseEmails: deps.releaseEmails,
    once,
    ...polling,
  };
  await startSweepWorker(common);
  await startAnsweredWorker(common);
  await startPostWorker({
    ...common,
    slack,
    clock: deps.clock,
    home: { accountId: deps.accountId, adminEmails: deps.adminEmails },
  });
  await startRedrawWorker({ ...common, slack, clock: deps.clock });
  const drainer = slack && (options.dms ?? true) ? await startDms(deps, slack, polling) : null;
  // Last: it resumes unfinished bulk invites at once, and every other worker should be polling by then.
  await startBulkWorker({
    boss: deps.boss,
    bulk: deps.bulk,
    slack,
    stopping: deps.stopping,
    log: deps.log,
  });
  return drainer;
}

/** Invitation DMs; without Slack (the CLI, a server without a token) they stay pending for a process that has it. */
async function startDms(deps: WorkerDeps, slack: WorkerSlack, polling: { pollingIntervalSeconds?: number }) {
  const drainer = dmDrainer({
    dms: deps.dms,
    slack,
    enabled: deps.inviteByDm,
    tenants: deps.tenants,
    clock: deps.clock,
    log: deps.log,
  });
  await startDmWorker({ boss: deps.boss, drainer, clock: deps.clock, log: deps.log, ...polling });
  return drainer;
}

/**
 * Waits until none of `queues` has a job waiting, retrying or in flight, or `timeoutMs` passes.
 * The CLI uses it to deliver what it just queued when no server runs; tests use it instead of
 * sleeping. Returns how many jobs are still pending (0 = all settled).
 */
async function waitForQueues(boss: PgBoss, queues: readonly string[], timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let pending = 0;
    for (const name of queues) pending += (await boss.getQueueSize(name, { before: 'completed' })) ?? 0;
    if (!pending || Date.now() >= deadline) return pending;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sweeps, answered-news, notice posts and redraws. */
export const waitForNotices = (boss: PgBoss, timeoutMs: number): Promise<number> =>
  waitForQueues(boss, [SWEEP_QUEUE, ANSWERED_QUEUE, POST_QUEUE, UPDATE_QUEUE], timeoutMs);

/** Invitation DM drains, wake-ups scheduled for later included. */
export const waitForDms = (boss: PgBoss, timeoutMs: number): Promise<number> =>
  waitForQueues(boss, [DM_QUEUE], timeoutMs);

/** Invitation emails. */
export const waitForEmails = (boss: PgBoss, timeoutMs: number): Promise<number> =>
  waitForQueues(boss, [EMAIL_QUEUE], timeoutMs);

/** Recorded bulk invites, run and reported. */
export const waitForBulkInvites = (boss: PgBoss, timeoutMs: number): Promise<number> =>
  waitForQueues(boss, [BULK_QUEUE], timeoutMs);
