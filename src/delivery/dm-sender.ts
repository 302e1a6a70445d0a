import type { InviteDm } from './dms.js';

/** Why a Slack call did not go through, in terms the DM worker acts on (the Slack layer classifies). */
export type CallFailure =
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'transient'; reason: string }
  | { kind: 'permanent'; error: string }
  /** The bot token is dead (uninstalled, revoked): no more calls until Slack is connected again. */
  | { kind: 'disconnected'; error: string };

export type Call<T> = { ok: true; value: T } | ({ ok: false } & CallFailure);

/** The Slack methods an invitation DM uses, each paced on its own (Tier 3 for all but chat.postMessage). */
export const DM_METHOD = {
  lookup: 'users.lookupByEmail',
  open: 'conversations.open',
  post: 'chat.postMessage',
  update: 'chat.update',
} as const;

/**
 * What the DM worker needs from a chat platform; src/slack/invite-dm.ts renders and calls Slack.
 * `open` returns a direct-message conversation only: the link never goes to a channel.
 */
export interface DmSender {
  /** The workspace member with this email, or null when there is none. */
  lookup(email: string): Promise<Call<string | null>>;
  open(slackUser: string): Promise<Call<string>>;
  post(channel: string, dm: InviteDm): Promise<Call<{ channel: string; ts: string }>>;
  update(channel: string, ts: string, dm: InviteDm): Promise<Call<void>>;
}
