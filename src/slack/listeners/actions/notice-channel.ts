import type { BlockAction, ConversationsSelectAction } from '@slack/bolt';
import { isChannelId } from '../../../text/ids.js';
import { confirm } from '../../blocks/confirmations.js';
import { type App, afterAck, ctxOf } from '../../context.js';
import { slackErrorText } from '../../errors.js';
import { ACTION } from '../../ids.js';
import { publishHome } from '../../surfaces.js';
import { DEFAULT_STATE, decodeState } from '../../values.js';

/**
 * App Home's channel picker: the same choice as `/users notify <#C…>`, through the same service
 * (admins only, audited), then Home is redrawn saying what changed.
 */
export function registerNoticeChannel(app: App): void {
  app.action<BlockAction<ConversationsSelectAction>>(
    ACTION.homeNoticeChannel,
    async ({ ack, body, action, client, context }) => {
      const ctx = ctxOf(context);
      await ack();
      const state = decodeState(body.view?.private_metadata) ?? DEFAULT_STATE;
      const picked = action.selected_conversation;
      // Home has no response_url: a failure is logged, and Home keeps showing the channel that is in force.
      await afterAck(
        ctx,
        'notice channel picker',
        async () => {},
        async () => {
          const actor = await ctx.actor(client, body.user.id);
          if (!actor || !picked || !isChannelId(picked)) return publishHome(ctx, client, body.user.id, state);
          const r = await ctx.channel.choose(actor, picked);
          const notice = r.ok ? confirm.notify(r.value.channel) : slackErrorText(r.error);
          await publishHome(ctx, client, body.user.id, state, { notice });
        },
      );
    },
  );
}
