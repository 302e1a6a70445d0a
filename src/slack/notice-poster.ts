import type { WebClient } from '@slack/web-api';
import type { NoticePoster, PostOutcome } from '../notices/poster.js';
import type { NoticePost } from '../notices/service.js';
import { channelProblemText, noticeMessage, type RenderContext } from './blocks/notice.js';
import { classifySlackError } from './web-errors.js';

/**
 * The chat.update that redraws a posted notice as things stand now, or null when it was never posted
 * or nothing is left to say. One rendering for the notice's own button and for the redraw job.
 */
export function noticeUpdate(post: NoticePost, ctx: RenderContext) {
  if (!post.ts || !post.postedChannel) return null;
  const message = noticeMessage(post, ctx);
  return message ? { channel: post.postedChannel, ts: post.ts, text: message.text, blocks: message.blocks } : null;
}

/**
 * Channel notices and DMs, posted through Slack: rendered as Block Kit here (the jobs never see
 * blocks) and every Slack answer classified for the job's retry policy.
 */
export function slackNoticePoster(slack: WebClient, accountName: () => string): NoticePoster {
  /** The Slack user behind an email (a DM is posted to the user id), or null when there is none. */
  async function userIdOf(email: string): Promise<string | null> {
    try {
      return (await slack.users.lookupByEmail({ email })).user?.id ?? null;
    } catch (err) {
      if ((err as { data?: { error?: string } }).data?.error === 'users_not_found') return null;
      throw err;
    }
  }

  return {
    async post(post: NoticePost, now: Date): Promise<PostOutcome> {
      const message = noticeMessage(post, { accountName: accountName(), now });
      // Everything in it was accepted, cancelled or replaced before it could be posted.
      if (!message) return { kind: 'skipped', reason: 'nothing left to announce' };
      try {
        const channel =
          post.kind === 'dm' ? post.recipientEmail && (await userIdOf(post.recipientEmail)) : post.channel;
        if (!channel) return { kind: 'skipped', reason: 'no Slack user with that email' };
        const r = await slack.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          unfurl_media: false,
        });
        return { kind: 'posted', channel: r.channel ?? channel, ts: r.ts ?? '' };
      } catch (err) {
        return classifySlackError(err);
      }
    },

    async update(post: NoticePost, now: Date): Promise<PostOutcome> {
      const args = noticeUpdate(post, { accountName: accountName(), now });
      if (!args) return { kind: 'skipped', reason: 'not posted, or nothing to show' };
      try {
        await slack.chat.update(args);
        return { kind: 'posted', channel: args.channel, ts: args.ts };
      } catch (err) {
        return classifySlackError(err);
      }
    },

    async tellChannelProblem(to, channel, error): Promise<number> {
      const looked = await Promise.all(to.emails.map((e) => userIdOf(e).catch(() => null)));
      const ids = [...to.slackUserIds, ...looked.filter((id): id is string => id !== null)];
      const bot = await slack.auth.test().then(
        (r) => r.user_id ?? null,
        () => null,
      );
      let told = 0;
      for (const id of ids) {
        const sent = await slack.chat.postMessage({ channel: id, text: channelProblemText(channel, error, bot) }).then(
          () => true,
          () => false,
        );
        if (sent) told++;
      }
      return told;
    },
  };
}
