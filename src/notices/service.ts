import type { Db, Executor, Trx } from '../db/database.js';
import type { Enqueue } from '../db/queue.js';
import type { NoticeKind, NoticePostKind, NoticePostState } from '../db/schema.js';
import type { ActionOptions, Done } from '../invitations/act.js';
import type { Result } from '../invitations/errors.js';
import type { Clock, Person } from '../invitations/invitation.js';
import { reminderOf } from '../invitations/settings.js';
import type { NoticeChannel } from './channel.js';
import * as repo from './repository.js';
import { answerReplacedRequests } from './requests-repository.js';

export type { NoticeKind, NoticePostKind };

export interface NoticeDeps {
  db: Db;
  queue: { enqueue: Enqueue };
  clock: Clock;
  accountId: string;
  channel: NoticeChannel;
  /** REMINDER_BEFORE in ms, the default of an account without its own setting; null = no reminders. */
  reminderBeforeMs: number | null;
}

/** One invitation in a notice, as the Slack renderers need it. */
export interface NoticeLine {
  kind: NoticeKind;
  invitationId: string;
  userId: string;
  invitee: Person;
  inviter: Person | null;
  expiresAt: Date;
  /** What the email provider said (a bounce's reason in words), if anything. */
  deliveryDetail?: string | null;
  /** The invitation is still pending (not accepted, declined, cancelled or replaced). */
  open: boolean;
  /** An admin acted from this line's button: their Slack user id and when. */
  handled: { by: string; at: Date } | null;
}

export interface NoticePost {
  id: string;
  kind: NoticePostKind;
  channel: string | null;
  recipientEmail: string | null;
  state: NoticePostState;
  ts: string | null;
  postedChannel: string | null;
  attempts: number;
  lines: NoticeLine[];
}

export interface SweepResult {
  /** The post ids created (one per kind that had something new), each with its job enqueued. */
  posts: { id: string; kind: 'expiry' | 'reminder'; count: number }[];
  /** Posted requests for a new invitation found answered (replaced elsewhere), each with its redraw enqueued. */
  redraws: string[];
}

/**
 * Channel notices: expiries, reminders and answers are recorded ONCE (UNIQUE (invitation_id, kind)
 * in the database) in the same transaction that enqueues the job posting them (transactional outbox).
 * Posting, retries and Slack errors belong to the job; this class owns the bookkeeping.
 */
export class NoticeService {
  constructor(readonly deps: NoticeDeps) {}

  /**
   * One sweep: claims new expiries and due reminders and enqueues one post per kind, all in one
   * transaction. The account row is locked first, so concurrent sweeps (several instances) run one
   * after the other and the second finds nothing new: one digest, never two halves.
   * It also marks answered the requests for a new invitation that were answered some other way than
   * their own button, and enqueues their redraw: done here, not on every action's click path, and
   * with or without a channel (a request may have gone as a DM to the inviter).
   */
  async sweep(): Promise<SweepResult> {
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (trx) => {
      const account = await repo.lockAccount(trx, this.deps.accountId);
      const reminderMs = reminderOf(this.deps.reminderBeforeMs, account.reminderBeforeS);
      const redraws = await answerReplacedRequests(trx, this.deps.accountId);
      for (const postId of redraws) await this.deps.queue.enqueue(trx, 'notices.update', { postId });
      const channel = await this.deps.channel.current(trx);
      if (!channel) return { posts: [], redraws };
      const kinds: ('expiry' | 'reminder')[] = reminderMs ? ['expiry', 'reminder'] : ['expiry'];
      const posts: SweepResult['posts'] = [];
      for (const kind of kinds) {
        const postId = await repo.insertPost(trx, {
          account_id: this.deps.accountId,
          kind,
          channel,
          recipient_email: null,
          created_at: now,
        });
        const count = await repo.claimDue(trx, {
          accountId: this.deps.accountId,
          kind,
          postId,
          now,
          reminderMs,
        });
        if (!count) {
          await repo.deletePost(trx, postId);
          continue;
        }
        await this.deps.queue.enqueue(trx, 'notices.post', { postId });
        posts.push({ id: postId, kind, count });
      }
      return { posts, redraws };
    });
  }

  /**
   * An invitee answered: one line for the channel and a DM to the inviting admin, recorded once per
   * (invitation, answer) however often the answered-job runs. Returns the posts enqueued.
   */
  async recordAnswer(invitationId: string, answer: 'accepted' | 'declined'): Promise<string[]> {
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (trx) => {
      const parties = await repo.invitationParties(trx, this.deps.accountId, invitationId);
      if (!parties) return [];
      const noticeId = await repo.claimAnswer(trx, { accountId: this.deps.accountId, invitationId, kind: answer, now });
      if (!noticeId) return [];
      const channel = await this.deps.channel.current(trx);
      const base = { account_id: this.deps.accountId, created_at: now };
      const postId = channel
        ? await repo.insertPost(trx, { ...base, kind: 'news', channel, recipient_email: null })
        : null;
      const dmPostId = parties.inviter_email
        ? await repo.insertPost(trx, { ...base, kind: 'dm', channel: null, recipient_email: parties.inviter_email })
        : null;
      await repo.linkPosts(trx, noticeId, postId, dmPostId);
      const ids = [postId, dmPostId].filter((id): id is string => id !== null);
      for (const id of ids) await this.deps.queue.enqueue(trx, 'notices.post', { postId: id });
      return ids;
    });
  }

  /**
   * The invitation email bounced: one channel line (with Copy link / Cancel buttons), recorded once
   * per invitation. Runs inside the caller's transaction, the one that marks the invitation bounced,
   * so the state change and its notice commit together. Nothing when no channel is set or the
   * invitation is no longer pending. Returns the post enqueued, if any.
   */
  async recordBounce(trx: Executor, invitationId: string): Promise<string | null> {
    const now = this.deps.clock();
    const parties = await repo.invitationParties(trx, this.deps.accountId, invitationId);
    if (parties?.state !== 'pending') return null;
    const channel = await this.deps.channel.current(trx);
    if (!channel) return null;
    const noticeId = await repo.claimAnswer(trx, {
      accountId: this.deps.accountId,
      invitationId,
      kind: 'bounced',
      now,
    });
    if (!noticeId) return null;
    const postId = await repo.insertPost(trx, {
      account_id: this.deps.accountId,
      created_at: now,
      kind: 'news',
      channel,
      recipient_email: null,
    });
    await repo.linkPosts(trx, noticeId, postId, null);
    await this.deps.queue.enqueue(trx, 'notices.post', { postId });
    return postId;
  }

  async post(id: string): Promise<NoticePost | null> {
    const row = await repo.post(this.deps.db, id);
    if (!row || row.account_id !== this.deps.accountId) return null;
    const lines = await repo.lines(this.deps.db, id);
    return {
      id: row.id,
      kind: row.kind,
      channel: row.channel,
      recipientEmail: row.recipient_email,
      state: row.state,
      ts: row.ts,
      postedChannel: row.posted_channel,
      attempts: row.attempts,
      // An erased person's line is gone: notices never name them again.
      lines: lines.flatMap((l) =>
        l.email === null
          ? []
          : [
              {
                kind: l.kind,
                invitationId: l.invitation_id,
                userId: l.user_id,
                invitee: { email: l.email, name: l.name },
                inviter: l.inviter_email ? { email: l.inviter_email, name: l.inviter_name } : null,
                expiresAt: l.expires_at,
                deliveryDetail: l.delivery_detail,
                open: l.invitation_state === 'pending',
                handled: l.handled_by && l.handled_at ? { by: l.handled_by, at: l.handled_at } : null,
              },
            ],
      ),
    };
  }

  /**
   * An admin clicked a notice line's button. Refused as "already handled" when someone acted from
   * this line before; otherwise the action runs and, when it `handles` the line, the line is marked
   * handled INSIDE the action's transaction, so the mark and the action commit (or fail) together.
   * Returns the post to redraw.
   */
  async act<T>(
    click: { kind: NoticeKind; invitationId: string; slackUserId: string; handles: boolean },
    run: (options: ActionOptions) => Promise<Result<Done<T>>>,
  ): Promise<{
    handledBefore: { by: string; at: Date } | null;
    result: Result<Done<T>> | null;
    postId: string | null;
  }> {
    const notice = await repo.notice(this.deps.db, click.invitationId, click.kind);
    const mine = notice && notice.account_id === this.deps.accountId ? notice : undefined;
    if (mine?.handled_by && mine.handled_at) {
      return { handledBefore: { by: mine.handled_by, at: mine.handled_at }, result: null, postId: mine.post_id };
    }
    const within = click.handles
      ? async (trx: Trx) => {
          await repo.markHandled(
            trx,
            this.deps.accountId,
            click.invitationId,
            click.kind,
            click.slackUserId,
            this.deps.clock(),
          );
        }
      : undefined;
    const result = await run(within ? { within } : {});
    return { handledBefore: null, result, postId: mine?.post_id ?? null };
  }

  /** The post behind the notice of `kind` about an invitation (to redraw it after a click). */
  async noticeOf(invitationId: string, kind: NoticeKind) {
    const n = await repo.notice(this.deps.db, invitationId, kind);
    return n && n.account_id === this.deps.accountId
      ? { postId: n.post_id, handled: n.handled_by && n.handled_at ? { by: n.handled_by, at: n.handled_at } : null }
      : null;
  }

  countAttempt(postId: string): Promise<number> {
    return repo.countAttempt(this.deps.db, postId);
  }

  /** Stored the moment Slack answers: a retry of the job then sees `posted` and does not post again. */
  markPosted(postId: string, channel: string, ts: string): Promise<boolean> {
    return repo.settlePost(this.deps.db, postId, {
      state: 'posted',
      ts,
      posted_channel: channel,
      posted_at: this.deps.clock(),
      error: null,
    });
  }

  markFailed(postId: string, error: string): Promise<boolean> {
    return repo.settlePost(this.deps.db, postId, { state: 'failed', error: error.slice(0, 500) });
  }

  markSkipped(postId: string, reason: string): Promise<boolean> {
    return repo.settlePost(this.deps.db, postId, { state: 'skipped', error: reason.slice(0, 500) });
  }
}
