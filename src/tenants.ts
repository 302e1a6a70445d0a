import type { Db, Executor } from './db/database.js';
import type { Queue } from './db/queue.js';
import type { ServiceContext } from './invitations/act.js';
import type { Clock } from './invitations/invitation.js';
import { createWorkflowRuns, type WorkflowRuns } from './invitations/workflow-runs.js';
import { NoticeChannel } from './notices/channel.js';
import { SlackConnection } from './notices/connection.js';
import { NoticeService } from './notices/service.js';

/**
 * One Marketplace account's account-bound services. A deployment serves one account per Slack
 * installation (docs/decisions/2026-12-08-many-workspaces.md): every request, job and notice finds
 * its account first, then works through this, so nothing of another account is in reach.
 */
export interface Tenant {
  accountId: string;
  accountName: string;
  notices: NoticeService;
  channel: NoticeChannel;
  /** Whether Slack still takes this account's bot token. */
  connection: SlackConnection;
  workflowRuns: WorkflowRuns;
}

/** A row a job works on; its account is the job's account (never the job's payload). */
export type OwnedRow = { invitationId: string } | { postId: string } | { bulkRequestId: string };

export interface Tenants {
  /**
   * The account's services; throws for an account that does not exist. `within`: an open
   * transaction to look the account up in (PGlite has one connection: a query beside it would wait).
   */
  of(accountId: string, within?: Executor): Promise<Tenant>;
  /** The account that owns a job's row; null when the row is gone. */
  accountOf(row: OwnedRow, within?: Executor): Promise<string | null>;
  /** Every account, for the sweeps (each account swept in its own transaction). */
  accountIds(): Promise<string[]>;
  /** The account of this exact name (CLI --account), or null. */
  idOf(name: string): Promise<string | null>;
}

/** Accounts kept built at once; past it the oldest is dropped (and rebuilt on its next request). */
const KEPT = 5_000;

export function createTenants(deps: {
  db: Db;
  queue: Queue;
  clock: Clock;
  service: ServiceContext;
  /** NOTICE_CHANNEL: every account's default (REMINDER_BEFORE's is in `service`). */
  defaultChannel: string | null;
}): Tenants {
  const { db, queue, clock } = deps;
  const built = new Map<string, Promise<Tenant>>();
  const build = async (accountId: string, within: Executor): Promise<Tenant> => {
    const row = await within.selectFrom('accounts').select('name').where('id', '=', accountId).executeTakeFirst();
    if (!row) throw new Error(`no account ${accountId}`);
    const channel = new NoticeChannel({
      db,
      clock,
      accountId,
      defaultChannel: deps.defaultChannel,
      service: deps.service,
    });
    return {
      accountId,
      accountName: row.name,
      channel,
      notices: new NoticeService({
        db,
        queue,
        clock,
        accountId,
        channel,
        reminderBeforeMs: deps.service.reminderBeforeMs,
      }),
      connection: new SlackConnection({ db, clock, accountId }),
      workflowRuns: createWorkflowRuns({ db, clock, accountId }),
    };
  };
  return {
    of: (accountId, within = db) => {
      const known = built.get(accountId);
      if (known) return known;
      const tenant = build(accountId, within);
      built.set(accountId, tenant);
      // A failed build (no such account, database down) is not remembered.
      tenant.catch(() => built.delete(accountId));
      if (built.size > KEPT) built.delete(built.keys().next().value as string);
      return tenant;
    },
    accountOf: async (row, within = db) => {
      const found =
        'invitationId' in row
          ? await within
              .selectFrom('invitations')
              .select('account_id')
              .where('id', '=', row.invitationId)
              .executeTakeFirst()
          : 'postId' in row
            ? await within
                .selectFrom('notice_posts')
                .select('account_id')
                .where('id', '=', row.postId)
                .executeTakeFirst()
            : await within
                .selectFrom('bulk_invites')
                .select('account_id')
                .where('id', '=', row.bulkRequestId)
                .executeTakeFirst();
      return found?.account_id ?? null;
    },
    idOf: async (name) =>
      (await db.selectFrom('accounts').select('id').where('name', '=', name).executeTakeFirst())?.id ?? null,
    accountIds: async () => (await db.selectFrom('accounts').select('id').orderBy('id').execute()).map((r) => r.id),
  };
}
