import type { WebClient } from '@slack/web-api';
import type { Call, DmSender } from '../delivery/dm-sender.js';
import { inviteDmMessage } from './blocks/invite-dm.js';
import { classifySlackError } from './web-errors.js';

const failed = (err: unknown): Call<never> => ({ ok: false, ...classifySlackError(err) });

/** Invitation DMs through Slack: rendered here, every answer classified for the DM worker's pacing. */
export function slackDmSender(slack: WebClient): DmSender {
  return {
    async lookup(email) {
      try {
        return { ok: true, value: (await slack.users.lookupByEmail({ email })).user?.id ?? null };
      } catch (err) {
        if ((err as { data?: { error?: string } }).data?.error === 'users_not_found') return { ok: true, value: null };
        return failed(err);
      }
    },

    async open(slackUser) {
      try {
        const id = (await slack.conversations.open({ users: slackUser })).channel?.id;
        // A direct message only (D…): the link must never land in a shared conversation.
        return id?.startsWith('D') ? { ok: true, value: id } : { ok: false, kind: 'permanent', error: 'not_a_dm' };
      } catch (err) {
        return failed(err);
      }
    },

    async post(channel, dm) {
      try {
        const m = inviteDmMessage(dm);
        const r = await slack.chat.postMessage({ channel, ...m, unfurl_links: false, unfurl_media: false });
        return { ok: true, value: { channel: r.channel ?? channel, ts: r.ts ?? '' } };
      } catch (err) {
        return failed(err);
      }
    },

    async update(channel, ts, dm) {
      try {
        await slack.chat.update({ channel, ts, ...inviteDmMessage(dm) });
        return { ok: true, value: undefined };
      } catch (err) {
        return failed(err);
      }
    },
  };
}
