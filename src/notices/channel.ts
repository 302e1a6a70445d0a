import type { Db, Executor } from '../db/database.js';
import { act, type ServiceContext } from '../invitations/act.js';
import { auditOf } from '../invitations/audit.js';
import type { Result } from '../invitations/errors.js';
import type { Actor, Clock } from '../invitations/invitation.js';
import { appendAudit } from '../invitations/repository.js';
import * as repo from './repository.js';

/** Who chose the notice channel, to tell them about a problem with it. */
export interface ChannelSetter {
  slackUserId: string | null;
  email: string | null;
}

/**
 * Where notices go, and whether they go at all: stored on the account as explicit columns. The
 * channel chosen from Slack or the CLI wins; "off" means off even when NOTICE_CHANNEL is set;
 * NOTICE_CHANNEL applies while nobody has chosen.
 */
export class NoticeChannel {
  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      accountId: string;
      /** NOTICE_CHANNEL. */
      defaultChannel: string | null;
      /** To check, inside the change's transaction, that an Active admin chose it. */
      service: ServiceContext;
    },
  ) {}

  async current(db: Executor = this.deps.db): Promise<string | null> {
    const a = await repo.channelSettings(db, this.deps.accountId);
    return a.notice_channel_chosen ? a.notice_channel : this.deps.defaultChannel;
  }

  async setter(): Promise<ChannelSetter | null> {
    const a = await repo.channelSettings(this.deps.db, this.deps.accountId);
    return a.notice_channel_chosen
      ? { slackUserId: a.notice_channel_by_slack_id, email: a.notice_channel_by_email }
      : null;
  }

  /** `/users notify`: the channel for notices, or null to stop them. Admins only, audited. */
  async choose(actor: Actor, channel: string | null): Promise<Result<{ channel: string | null }>> {
    const r = await act(this.deps.service, actor, { action: 'notify', target: null }, async (trx) => {
      const now = this.deps.clock();
      await repo.chooseChannel(trx, this.deps.accountId, {
        channel,
        bySlackId: actor.slackUserId ?? null,
        byEmail: actor.email,
        at: now,
      });
      await appendAudit(trx, auditOf(actor, 'notify', now, 'ok', { detail: { channel: channel ?? 'off' } }));
      return { channel };
    });
    return r.ok ? { ok: true, value: r.value.value } : r;
  }

  /** The recorded problem with the CURRENT notice channel, if any (for App Home). */
  async problem(): Promise<{ channel: string; error: string; at: Date } | null> {
    const a = await repo.channelSettings(this.deps.db, this.deps.accountId);
    const channel = a.notice_channel_chosen ? a.notice_channel : this.deps.defaultChannel;
    return channel && a.notice_error && a.notice_error_channel === channel && a.notice_error_at
      ? { channel, error: a.notice_error, at: a.notice_error_at }
      : null;
  }

  /** True the first time this error is recorded for this channel: the caller tells the admins then. */
  recordError(channel: string, error: string): Promise<boolean> {
    return repo.recordChannelError(this.deps.db, this.deps.accountId, channel, error, this.deps.clock());
  }

  clearError(channel: string): Promise<void> {
    return repo.clearChannelError(this.deps.db, this.deps.accountId, channel);
  }
}
