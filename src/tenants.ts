import type { Db } from './db/database.js';
import type { Queue } from './db/queue.js';
import type { ServiceContext } from './invitations/act.js';
import type { Clock } from './invitations/invitation.js';
import type { InviteeService } from './invitations/invitee.js';
import { createWorkflowRuns, type WorkflowRuns } from './invitations/workflow-runs.js';
import { NoticeChannel } from './notices/channel.js';
import { SlackConnection } from './notices/connection.js';
import { createNewInvitationRequests, type NewInvitationRequests } from './notices/requests.js';
import { NoticeService } from './notices/service.js';

/**
 * One Marketplace account's account-bound services. A deployment serves one account per Slack
 * installation (docs/decisions/2026-12-03-many-workspaces.md): every request, job and notice finds
 * its account first, then works through this, so nothing of another account is in reach.
 */
export interface Tenant {
  accountId: string;
  accountName: string;
  notices: NoticeService;
  channel: NoticeChannel;
  /** Whether Slack still takes this account's bot token. */
  connection: SlackConnection;
  /** "Ask for a new invitation" from this account's expired invite pages. */
  requests: NewInvitationRequests;
  workflowRuns: WorkflowRuns;
}

export interface Tenants {
  /** The account's services; throws for an account that does not exist. */
  of(accountId: string): Promise<Tenant>;
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
  invitee: InviteeService;
  /** NOTICE_CHANNEL: every account's default (REMINDER_BEFORE's is in `service`). */
  defaultChannel: string | null;
}): Tenants {
  const { db, queue, clock } = deps;
  const built = new Map<string, Promise<Tenant>>();
  const build = async (accountId: string): Promise<Tenant> => {
    const row = await db.selectFrom('accounts').select('name').where('id', '=', accountId).executeTakeFirst();
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
      requests: createNewInvitationRequests({ db, queue, clock, accountId, channel, invitee: deps.invitee }),
      workflowRuns: createWorkflowRuns({ db, clock, accountId }),
    };
  };
  return {
    of: (accountId) => {
      const known = built.get(accountId);
      if (known) return known;
      const tenant = build(accountId);
      built.set(accountId, tenant);
      // A failed build (no such account, database down) is not remembered.
      tenant.catch(() => built.delete(accountId));
      if (built.size > KEPT) built.delete(built.keys().next().value as string);
      return tenant;
    },
    idOf: async (name) =>
      (await db.selectFrom('accounts').select('id').where('name', '=', name).executeTakeFirst())?.id ?? null,
    accountIds: async () => (await db.selectFrom('accounts').select('id').orderBy('id').execute()).map((r) => r.id),
  };
}
