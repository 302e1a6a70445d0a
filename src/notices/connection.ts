import type { Db } from '../db/database.js';
import type { Clock } from '../invitations/invitation.js';

export interface Disconnection {
  at: Date;
  /** Slack's word: app_uninstalled, tokens_revoked, token_revoked, account_inactive, invalid_auth… */
  reason: string;
}

/**
 * Whether Slack still accepts the account's bot token, stored on the account so every instance and
 * every restart agrees (docs/decisions/2026-12-07-slack-disconnection.md). While disconnected no
 * notice is posted: the post jobs are dropped, not retried, as no retry can succeed with a dead token.
 * The rest of the app (invite pages, email, the CLI) does not depend on it.
 */
export class SlackConnection {
  constructor(private readonly deps: { db: Db; clock: Clock; accountId: string }) {}

  async state(): Promise<Disconnection | null> {
    const row = await this.deps.db
      .selectFrom('accounts')
      .select(['slack_disconnected_at', 'slack_disconnected_reason'])
      .where('id', '=', this.deps.accountId)
      .executeTakeFirst();
    return row?.slack_disconnected_at
      ? { at: row.slack_disconnected_at, reason: row.slack_disconnected_reason ?? 'unknown' }
      : null;
  }

  /** Records that Slack refused the token; true when this is news (it was connected until now). */
  async disconnect(reason: string): Promise<boolean> {
    const r = await this.deps.db
      .updateTable('accounts')
      .set({ slack_disconnected_at: this.deps.clock(), slack_disconnected_reason: reason.slice(0, 100) })
      .where('id', '=', this.deps.accountId)
      .where('slack_disconnected_at', 'is', null)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  /** A token works again (auth.test answered ok); true when this ends a disconnection. */
  async reconnect(): Promise<boolean> {
    const r = await this.deps.db
      .updateTable('accounts')
      .set({ slack_disconnected_at: null, slack_disconnected_reason: null })
      .where('id', '=', this.deps.accountId)
      .where('slack_disconnected_at', 'is not', null)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }
}
