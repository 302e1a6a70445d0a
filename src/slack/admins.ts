import type { webApi } from '@slack/bolt';
import type { Actor, Clock } from '../invitations/invitation.js';
import { slackUnavailable } from './web-errors.js';

type WebClient = webApi.WebClient;

export const EMAIL_CACHE_MS = 5 * 60_000;

/**
 * Slack user id → profile email, via `users.info`, remembered for a few minutes so a burst of
 * clicks costs one API call. Only the EMAIL is cached: whether that email is an Active admin is
 * asked of the service on every request, so revoking an admin takes effect at once. One directory
 * serves every installation, so an answer is remembered per account (`scope`): what one
 * workspace's token said about a user id never answers a request of another account, whose token
 * may not see that user at all.
 */
export class SlackDirectory {
  private readonly emails = new Map<string, { email: string | null; until: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = EMAIL_CACHE_MS,
    private readonly maxEntries = 10_000,
  ) {}

  async emailOf(client: WebClient, userId: string, scope = ''): Promise<string | null> {
    const now = this.clock().getTime();
    const key = `${scope}\u0000${userId}`;
    const hit = this.emails.get(key);
    if (hit && hit.until > now) return hit.email;
    let user: Awaited<ReturnType<WebClient['users']['info']>>['user'];
    try {
      user = (await client.users.info({ user: userId })).user;
    } catch (err) {
      // Slack could not answer (outage, rate limit, timeout): that is not "not an admin", so it is
      // thrown for the listener to answer politely. Unknown or inaccessible user: not an admin.
      // Neither is cached, so a transient failure heals itself.
      if (slackUnavailable(err)) throw err;
      return null;
    }
    // Bots and deleted users must never act, whatever email they carry.
    const email = user && !user.deleted && !user.is_bot ? user.profile?.email?.trim().toLowerCase() || null : null;
    if (this.emails.size >= this.maxEntries) this.emails.clear();
    this.emails.set(key, { email, until: now + this.ttlMs });
    return email;
  }

  /** The Actor for the service (admin or not: the service decides), or null without a profile email. */
  async actor(client: WebClient, userId: string, accountId: string): Promise<Actor | null> {
    const email = await this.emailOf(client, userId, accountId);
    return email ? { accountId, kind: 'slack', email, slackUserId: userId } : null;
  }
}
