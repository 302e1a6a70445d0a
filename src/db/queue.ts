import PgBoss from 'pg-boss';
import { type DatabaseHandle, type Executor, executorFor } from './database.js';

/**
 * Every background job, named once, with the data it carries. The data never holds an invitation
 * token: the worker recomputes the link from the invitation id, so no secret sits in the job table.
 */
export interface JobData {
  'email.send': { invitationId: string; kind: 'invitation' | 'resend' | 'new-invitation' | 'reminder' };
  /** Accept/decline news for the Slack side (channel line, note to the inviter). */
  'invitation.answered': { invitationId: string; answer: 'accepted' | 'declined' };
  /** Finds new expiries and due reminders and records them (sent as a singleton: one per interval). */
  'notices.sweep': Record<string, never>;
  /** Posts one recorded Slack message (a notice_posts row): channel digest, news line or DM. */
  'notices.post': { postId: string };
  /** Redraws one posted message (chat.update) after what it asks for was done elsewhere. */
  'notices.update': { postId: string };
  /** Sends the due invitation DMs (the rows say which: dm_state), paced to Slack's tiers. */
  'dms.drain': Record<string, never>;
  /** Runs (or resumes) one recorded bulk invite, then reports it (src/invitations/bulk-requests.ts). */
  'invites.bulk': { requestId: string };
}
export type JobName = keyof JobData;

export interface RetryPolicy {
  retryLimit: number;
  retryDelaySeconds: number;
}

/** Retry budgets; tests shrink the delay so a Postmark outage recovers within a test. */
export const DEFAULT_RETRY: Record<JobName, RetryPolicy> = {
  'email.send': { retryLimit: 8, retryDelaySeconds: 5 },
  'invitation.answered': { retryLimit: 8, retryDelaySeconds: 5 },
  // A failed sweep is simply redone by the next interval's sweep.
  'notices.sweep': { retryLimit: 1, retryDelaySeconds: 5 },
  // Slack 5xx / network: backoff 5 s, 10 s, … ~21 min in all; 429 is re-sent after Retry-After instead.
  'notices.post': { retryLimit: 8, retryDelaySeconds: 5 },
  // A redraw is cosmetic: a few tries, then the notice stays as it was.
  'notices.update': { retryLimit: 3, retryDelaySeconds: 5 },
  // A failed drain leaves the rows pending: the next kick or wake-up drains them.
  'dms.drain': { retryLimit: 2, retryDelaySeconds: 5 },
  // A failed or interrupted run resumes from its recorded progress; every start also resumes them.
  'invites.bulk': { retryLimit: 8, retryDelaySeconds: 5 },
};

export type Enqueue = <N extends JobName>(
  executor: Executor,
  name: N,
  data: JobData[N],
  options?: PgBoss.SendOptions,
) => Promise<void>;

/** One job of any kind, for `enqueueAll`. */
export type Job = { [N in JobName]: { name: N; data: JobData[N] } }[JobName];

/** Several jobs in ONE statement (one round trip inside the caller's transaction). */
export type EnqueueAll = (executor: Executor, jobs: readonly Job[]) => Promise<void>;

export interface Queue {
  readonly boss: PgBoss;
  /** Enqueues inside `executor`'s transaction: a rolled-back change leaves no job behind. */
  enqueue<N extends JobName>(
    executor: Executor,
    name: N,
    data: JobData[N],
    options?: PgBoss.SendOptions,
  ): Promise<void>;
  enqueueAll: EnqueueAll;
  stop(options?: { graceful?: boolean; timeoutMs?: number }): Promise<void>;
  /** True once stop() was called: long jobs (a bulk invite) end between steps and resume later. */
  stopping(): boolean;
  /** Per queue: jobs waiting to run (created or retry) and the age of the oldest, in seconds. */
  stats(): Promise<QueueStat[]>;
}

export interface QueueStat {
  queue: JobName;
  waiting: number;
  oldestAgeSeconds: number;
}

/**
 * A job whose worker died (SIGKILL, OOM, lost host) stays "active" until it expires, then pg-boss
 * retries it. pg-boss's default is 15 minutes; every job here is short (an email batch is ONE
 * Postmark call with a 30 s timeout), so 2 minutes loses nothing and recovers a crash quickly.
 */
export const ACTIVE_JOB_EXPIRY_SECONDS = 120;
/**
 * Email batches expire sooner, so a crashed instance's emails go out well within a minute of its
 * restart: expiry + the next maintenance pass + the first retry's 5–10 s backoff ≈ 30 + 5 + 10 s. A
 * batch is one Postmark call (20 s timeout) plus a few queries; one that outlives this is handed out
 * again, and its send attempt keeps that from sending twice (docs/decisions/2026-12-03-email-send-attempts.md).
 */
export const EMAIL_JOB_EXPIRY_SECONDS = 30;
const EXPIRY_SECONDS: Partial<Record<JobName, number>> = { 'email.send': EMAIL_JOB_EXPIRY_SECONDS };
/**
 * 'short': at most one job per singleton key waiting (created); one already running does not block a
 * new one. A DM kick is a wake-up, so 600 invitations in one request queue one drain, not 600.
 */
const POLICY: Partial<Record<JobName, 'short'>> = { 'dms.drain': 'short' };
/** How often a running instance (one at a time: pg-boss takes turns) expires jobs whose worker died. */
const MAINTENANCE_INTERVAL_SECONDS = 5;

export interface QueueOptions {
  /** Maintenance and cron timers run in the server, not in a one-shot CLI. */
  background: boolean;
  retry?: Partial<Record<JobName, RetryPolicy>>;
  onError?: (err: Error) => void;
}

export async function startQueue(database: DatabaseHandle, options: QueueOptions): Promise<Queue> {
  const boss = new PgBoss({
    db: database.sql,
    schema: 'pgboss',
    supervise: options.background,
    schedule: options.background,
    migrate: true,
    maintenanceIntervalSeconds: MAINTENANCE_INTERVAL_SECONDS,
  });
  boss.on('error', (err: Error) => options.onError?.(err));
  await boss.start();
  // A restarted server first takes back the jobs a crashed process left "active", rather than
  // waiting for its first maintenance tick.
  if (options.background) await boss.maintain().catch((err: unknown) => options.onError?.(err as Error));
  for (const name of Object.keys(DEFAULT_RETRY) as JobName[]) {
    const retry = { ...DEFAULT_RETRY[name], ...options.retry?.[name] };
    const settings = {
      retryLimit: retry.retryLimit,
      retryDelay: retry.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: EXPIRY_SECONDS[name] ?? ACTIVE_JOB_EXPIRY_SECONDS,
      ...(POLICY[name] ? { policy: POLICY[name] } : {}),
    };
    // createQueue is idempotent in effect, but keeps the first settings: update them each start.
    if (await boss.getQueue(name)) await boss.updateQueue(name, { name, ...settings });
    else await boss.createQueue(name, { name, ...settings });
  }
  let stopping = false;
  return {
    boss,
    stopping: () => stopping,
    enqueue: async (executor, name, data, sendOptions) => {
      await boss.send(name, data as object, { ...sendOptions, db: executorFor(executor) });
    },
    // pg-boss's insert takes each queue's retry policy and policy (a 'short' queue keeps one waiting
    // job: the conflicting row is skipped, as send would).
    enqueueAll: async (executor, jobs) => {
      if (jobs.length)
        await boss.insert(
          jobs.map((j) => ({ name: j.name, data: j.data as object })),
          { db: executorFor(executor) },
        );
    },
    stats: async () => {
      const { rows } = await database.sql.executeSql(
        `select name, count(*)::int as waiting,
                coalesce(extract(epoch from now() - min(created_on)), 0)::float8 as age
           from pgboss.job where state in ('created', 'retry') group by name`,
        [],
      );
      const found = new Map(rows.map((r) => [String(r.name), { waiting: Number(r.waiting), age: Number(r.age) }]));
      return (Object.keys(DEFAULT_RETRY) as JobName[]).map((queue) => ({
        queue,
        waiting: found.get(queue)?.waiting ?? 0,
        oldestAgeSeconds: found.get(queue)?.age ?? 0,
      }));
    },
    stop: async ({ graceful = true, timeoutMs = 10_000 } = {}) => {
      stopping = true;
      await boss.stop({ graceful, timeout: timeoutMs, close: false, wait: true });
    },
  };
}
