import type { Trx } from '../db/database.js';
import type { ServiceContext } from './act.js';
import { releaseQueuedEmails } from './email-queue.js';
import type { DomainError } from './errors.js';
import type { Actor } from './invitation.js';
import {
  type ChunkHooks,
  chunkPause,
  INVITE_CHUNK,
  type InviteOutcome,
  type InviteRequest,
  inviteChunk,
  refuseRest,
} from './inviting.js';

/** An input line the parser could not use: reported with the outcomes, never invited. */
export interface RejectedInput {
  input: string;
  reason: string;
}

/** Where the summary goes: the request's response_url, or a DM to the admin once that has expired. */
export interface ReplyTarget {
  responseUrl: string | null;
  slackUserId: string | null;
}

export interface BulkRequest extends ReplyTarget {
  /** Stable per request (Slack's trigger_id or view id): the same id twice is one run. */
  id: string;
  actor: Actor;
  requests: readonly InviteRequest[];
  rejected: readonly RejectedInput[];
}

export interface BulkReport extends ReplyTarget {
  outcomes: InviteOutcome[];
  rejected: RejectedInput[];
}

/**
 * How the summary reaches the admin; implemented by src/slack/bulk-reporter.ts so the job knows
 * nothing of Slack. Throws when it could not deliver for now (the job is retried).
 */
export interface BulkReporter {
  report(report: BulkReport): Promise<void>;
}

export interface RunOptions {
  /** The request's account's reporter (its own Slack), or null when it has none. */
  reporter: (accountId: string) => Promise<BulkReporter | null>;
  /** True once the process is shutting down: the run stops between chunks and resumes after the restart. */
  stopping: () => boolean;
}

export class BulkInterrupted extends Error {
  constructor(id: string) {
    super(`bulk invite ${id} interrupted by shutdown; it resumes from its recorded progress`);
  }
}

/** JSON keeps dates as strings: the outcomes come back with Dates where the summary formats them. */
const DATE_KEYS = new Set(['expiresAt', 'emailQueuedUntil']);
const parseOutcomes = (text: string): InviteOutcome[] =>
  JSON.parse(text, (key, value) => (DATE_KEYS.has(key) && typeof value === 'string' ? new Date(value) : value));

/**
 * Bulk invites as durable requests (issue 14 item 6). `record` stores the request and enqueues its
 * job in ONE transaction (outbox), before any work: a crash afterwards loses nothing, and a request
 * recorded twice (Slack redelivering it) is one row and one run. `run` invites chunk by chunk from
 * the recorded progress; each chunk's invitations, outcomes and progress commit together, under a
 * lock on the request's row, so a resumed or concurrent run never invites an address twice. Once
 * done, one run claims the summary and hands it to the reporter.
 */
export function createBulkRequests(ctx: ServiceContext) {
  const db = ctx.db;

  const load = (id: string) => db.selectFrom('bulk_invites').selectAll().where('id', '=', id).executeTakeFirst();

  /** The chunk at `start` belongs to whichever run finds the progress still at `start`. */
  const hooksAt = (id: string, start: number, count: number): ChunkHooks => ({
    claim: async (trx: Trx) => {
      const row = await trx
        .selectFrom('bulk_invites')
        .select('done')
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      return row?.done === start;
    },
    record: async (trx: Trx, outcomes: InviteOutcome[]) => {
      await trx
        .insertInto('bulk_invite_chunks')
        .values({ request_id: id, start, outcomes: JSON.stringify(outcomes) })
        .execute();
      await trx
        .updateTable('bulk_invites')
        .set({ done: start + count })
        .where('id', '=', id)
        .execute();
    },
  });

  /** The admin lost their rights midway: the rest is recorded as refused, at once. */
  async function refuseFrom(id: string, start: number, rest: readonly InviteRequest[], error: DomainError) {
    const hooks = hooksAt(id, start, rest.length);
    await db.transaction().execute(async (trx) => {
      if (await hooks.claim(trx)) await hooks.record(trx, refuseRest(rest, error));
    });
  }

  async function inviteAll(id: string, actor: Actor, requests: readonly InviteRequest[], from: number, o: RunOptions) {
    let done = from;
    while (done < requests.length) {
      if (o.stopping()) throw new BulkInterrupted(id);
      const slice = requests.slice(done, done + INVITE_CHUNK);
      const chunk = await inviteChunk(ctx, actor, slice, hooksAt(id, done, slice.length));
      if (chunk === null) {
        // Another run did this chunk: carry on from where the row says.
        done = (await load(id))?.done ?? requests.length;
        continue;
      }
      if (!chunk.ok) {
        await refuseFrom(id, done, requests.slice(done), chunk.error);
        return;
      }
      done += slice.length;
      await chunkPause();
    }
  }

  /** Moves running → reporting for one run only; a row already 'reporting' was claimed by a run that died. */
  async function claimReport(id: string): Promise<boolean> {
    const claimed = await db
      .updateTable('bulk_invites')
      .set({ state: 'reporting' })
      .where('id', '=', id)
      .where('state', '=', 'running')
      .returning('id')
      .executeTakeFirst();
    return claimed !== undefined;
  }

  return {
    /** Records the request and its job together; false when this id was already recorded. */
    async record(request: BulkRequest): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('bulk_invites')
          .values({
            id: request.id,
            account_id: request.actor.accountId,
            actor: JSON.stringify(request.actor),
            requests: JSON.stringify(request.requests),
            rejected: JSON.stringify(request.rejected),
            response_url: request.responseUrl,
            slack_user_id: request.slackUserId,
            created_at: ctx.clock(),
            finished_at: null,
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (row) await ctx.queue.enqueue(trx, 'invites.bulk', { requestId: request.id });
        return row !== undefined;
      });
    },

    /** Invites what is left of the request, then reports it once (see the module comment). */
    async run(id: string, o: RunOptions): Promise<void> {
      const row = await load(id);
      if (!row || row.state === 'reported') return;
      if (row.state === 'running') {
        const requests = JSON.parse(row.requests) as InviteRequest[];
        await inviteAll(id, JSON.parse(row.actor) as Actor, requests, row.done, o);
        // The held emails of every chunk, this run's and a crashed run's alike.
        await releaseQueuedEmails(ctx);
        if (!(await claimReport(id))) return;
      }
      const chunks = await db
        .selectFrom('bulk_invite_chunks')
        .select('outcomes')
        .where('request_id', '=', id)
        .orderBy('start')
        .execute();
      await (await o.reporter(row.account_id))?.report({
        outcomes: chunks.flatMap((c) => parseOutcomes(c.outcomes)),
        rejected: JSON.parse(row.rejected) as RejectedInput[],
        responseUrl: row.response_url,
        slackUserId: row.slack_user_id,
      });
      await db
        .updateTable('bulk_invites')
        .set({ state: 'reported', finished_at: ctx.clock() })
        .where('id', '=', id)
        .execute();
    },

    /** Requests a crashed or stopped process left unfinished, queued again (a start calls this). */
    async resume(): Promise<number> {
      const open = await db.selectFrom('bulk_invites').select('id').where('state', '!=', 'reported').execute();
      for (const { id } of open) await ctx.queue.enqueue(db, 'invites.bulk', { requestId: id });
      return open.length;
    },
  };
}

export type BulkRequests = ReturnType<typeof createBulkRequests>;
