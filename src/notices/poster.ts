import type { NoticePost } from './service.js';

/** How a post went, in terms the job can act on (the Slack layer classifies Slack's answers). */
export type PostOutcome =
  | { kind: 'posted'; channel: string; ts: string }
  /** Nothing to send (everything in it was answered, or no Slack user has that email). */
  | { kind: 'skipped'; reason: string }
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'transient'; reason: string }
  /** Slack refused the token (uninstalled, revoked): see SlackConnection. */
  | { kind: 'disconnected'; error: string }
  | { kind: 'permanent'; error: string; channelProblem: boolean };

/**
 * What the notice jobs need from a chat platform. Implemented by src/slack/notice-poster.ts, which
 * renders Block Kit and calls Slack; the jobs stay free of both.
 */
export interface NoticePoster {
  /** Renders the post as things stand now and sends it (a channel message, or a DM by email). */
  post(post: NoticePost, now: Date): Promise<PostOutcome>;
  /** Redraws an already posted post as things stand now, in place (its stored channel and ts). */
  update(post: NoticePost, now: Date): Promise<PostOutcome>;
  /** Tells these admins (Slack user ids, or emails to look up) that notices cannot reach `channel`. */
  tellChannelProblem(to: { slackUserIds: string[]; emails: string[] }, channel: string, error: string): Promise<number>;
}
