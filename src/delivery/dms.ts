import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { DmShown, InvitationState } from '../db/schema.js';
import type { Person } from '../invitations/invitation.js';
import type { Links } from '../invitations/links.js';

/** One invitation DM to send or to bring up to date. The link is recomputed, never stored. */
export interface InviteDm {
  invitationId: string;
  /** The invitation's account: its workspace's bot sends the DM, and the DM names it. */
  accountId: string;
  email: string;
  accountName: string;
  inviter: Person | null;
  expiresAt: Date;
  url: string;
  kind: 'invitation' | 'resend' | 'new-invitation';
  /** What the message should show now (from the invitation's state). */
  shows: DmShown;
  slackUser: string | null;
  channel: string | null;
  ts: string | null;
  attempts: number;
}

/** What a posted DM shows for an invitation in `state` (a resend keeps saying it was resent). */
export function dmShows(state: InvitationState, kind: InviteDm['kind'] | null): DmShown {
  switch (state) {
    case 'pending':
      return kind === 'resend' ? 'resent' : 'open';
    case 'superseded':
      return 'replaced';
    default:
      return state;
  }
}

/** A failed send is retried this many times (with backoff), then recorded as failed. */
export const DM_MAX_ATTEMPTS = 5;

/**
 * The bookkeeping of invitation DMs, on the invitation row (dm_* columns): which are due, which
 * posted DMs lag behind their invitation, and what became of each call. The Slack calls and their
 * pacing belong to the DM worker (src/jobs/invite-dms.ts).
 */
export class DmService {
  constructor(private readonly deps: { db: Db; links: Links; clock: () => Date }) {}

  private query() {
    return (
      this.deps.db
        .selectFrom('invitations as i')
        .innerJoin('users as u', 'u.id', 'i.user_id')
        .leftJoin('users as inv', 'inv.id', 'i.inviter_id')
        // A new invitation (Send new invitation) is the one an older invitation was superseded by.
        .leftJoin('invitations as prev', 'prev.superseded_by', 'i.id')
        .innerJoin('accounts as a', 'a.id', 'i.account_id')
        .select([
          'i.account_id',
          'a.name as account_name',
          'prev.id as replaced',
          'i.id',
          'i.public_id',
          'i.state',
          'i.expires_at',
          'i.dm_kind',
          'i.dm_user',
          'i.dm_channel',
          'i.dm_ts',
          'i.dm_attempts',
          'u.email',
          'inv.email as inviter_email',
          'inv.name as inviter_name',
        ])
    );
  }

  private toDm(r: Awaited<ReturnType<ReturnType<DmService['query']>['execute']>>[number]): InviteDm | null {
    if (!r.email || !r.public_id) return null;
    return {
      invitationId: r.id,
      accountId: r.account_id,
      email: r.email,
      accountName: r.account_name,
      inviter: r.inviter_email ? { email: r.inviter_email, name: r.inviter_name } : null,
      expiresAt: r.expires_at,
      url: this.deps.links.url(r.public_id),
      kind: r.dm_kind ?? (r.replaced ? 'new-invitation' : 'invitation'),
      shows: dmShows(r.state, r.dm_kind),
      slackUser: r.dm_user,
      channel: r.dm_channel,
      ts: r.dm_ts,
      attempts: r.dm_attempts,
    };
  }

  /**
   * Pending DMs whose time has come, oldest invitation first. Closed invitations are dropped, never
   * sent. `skip`: accounts left out for now (waiting on their pace, or without Slack); theirs stay pending.
   */
  async due(limit: number, skip: readonly string[] = []): Promise<InviteDm[]> {
    const now = this.deps.clock();
    await this.deps.db
      .updateTable('invitations')
      .set({ dm_state: null })
      .where('dm_state', '=', 'pending')
      .where('state', '!=', 'pending')
      .where('dm_ts', 'is', null)
      .execute();
    const rows = await this.query()
      .where('i.dm_state', '=', 'pending')
      .where((eb) => eb.or([eb('i.dm_due_at', 'is', null), eb('i.dm_due_at', '<=', now)]))
      .$if(skip.length > 0, (q) => q.where('i.account_id', 'not in', skip))
      .orderBy('i.sent_at')
      .orderBy('i.id')
      .limit(limit)
      .execute();
    return rows.flatMap((r) => this.toDm(r) ?? []);
  }

  /** Posted DMs that still show the invitation open while it was replaced, answered or cancelled. */
  async lagging(limit: number, skip: readonly string[] = []): Promise<InviteDm[]> {
    const rows = await this.query()
      .where('i.dm_shown', 'in', ['open', 'resent'])
      .$if(skip.length > 0, (q) => q.where('i.account_id', 'not in', skip))
      .where('i.state', '!=', 'pending')
      .where('i.dm_ts', 'is not', null)
      .orderBy('i.id')
      .limit(limit)
      .execute();
    return rows.flatMap((r) => this.toDm(r) ?? []);
  }

  /** When the next deferred DM is due (null: none waiting), `skip`'s accounts left out. */
  async nextDue(skip: readonly string[] = []): Promise<Date | null> {
    const row = await this.deps.db
      .selectFrom('invitations')
      .select(sql<Date | null>`min(coalesce(dm_due_at, ${this.deps.clock()}))`.as('at'))
      .where('dm_state', '=', 'pending')
      .$if(skip.length > 0, (q) => q.where('account_id', 'not in', skip))
      .executeTakeFirst();
    return row?.at ? new Date(row.at) : null;
  }

  /** INVITE_BY_DM=off, or Slack not configured: nothing is pending any more. */
  async switchOff(): Promise<void> {
    await this.deps.db.updateTable('invitations').set({ dm_state: 'off' }).where('dm_state', '=', 'pending').execute();
  }

  async found(id: string, slackUser: string, channel: string | null): Promise<void> {
    await this.deps.db
      .updateTable('invitations')
      .set({ dm_user: slackUser, dm_channel: channel })
      .where('id', '=', id)
      .execute();
  }

  async sent(dm: InviteDm, channel: string, ts: string): Promise<void> {
    await this.deps.db
      .updateTable('invitations')
      .set({ dm_state: 'sent', dm_channel: channel, dm_ts: ts, dm_shown: dm.shows, dm_due_at: null, dm_error: null })
      .where('id', '=', dm.invitationId)
      .execute();
  }

  async shown(dm: InviteDm): Promise<void> {
    await this.deps.db
      .updateTable('invitations')
      .set({ dm_shown: dm.shows })
      .where('id', '=', dm.invitationId)
      .execute();
  }

  async noMember(id: string): Promise<void> {
    await this.deps.db
      .updateTable('invitations')
      .set({ dm_state: 'no_member', dm_due_at: null })
      .where('id', '=', id)
      .execute();
  }

  /** Not now: after Retry-After, or a backoff; the attempt counts only for failures, not for rate limits. */
  async later(id: string, at: Date, failure: string | null): Promise<void> {
    await this.deps.db
      .updateTable('invitations')
      .set((eb) => ({
        dm_due_at: at,
        ...(failure ? { dm_attempts: eb('dm_attempts', '+', 1), dm_error: failure.slice(0, 300) } : {}),
      }))
      .where('id', '=', id)
      .execute();
  }

  async failed(id: string, error: string): Promise<void> {
    await this.deps.db
      .updateTable('invitations')
      .set({ dm_state: 'failed', dm_error: error.slice(0, 300), dm_due_at: null })
      .where('id', '=', id)
      .execute();
  }
}
