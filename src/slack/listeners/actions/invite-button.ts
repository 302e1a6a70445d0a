import type { BlockAction, ButtonAction } from '@slack/bolt';
import { inviteModal } from '../../blocks/invite-modal.js';
import { type App, type SlackContext, safely } from '../../context.js';
import { ACTION } from '../../ids.js';
import { refuseNonAdmin } from './row-action.js';

/** "Invite user" opens the modal; from Home it remembers the list state to refresh afterwards. */
export function registerInviteButton(app: App, ctx: SlackContext): void {
  app.action<BlockAction<ButtonAction>>(ACTION.inviteButton, async ({ ack, body, action, client, respond }) => {
    await ack();
    await safely(
      ctx,
      'invite button',
      (text) => respond({ response_type: 'ephemeral', replace_original: false, text }),
      async () => {
        if (!(await ctx.adminActor(client, body.user.id))) return refuseNonAdmin(ctx, { body, client, respond });
        const home = body.view?.type === 'home' ? (action.value ?? null) : null;
        await client.views.open({
          trigger_id: body.trigger_id,
          view: inviteModal({ responseUrl: home ? null : (body.response_url ?? null), home }),
        });
      },
    );
  });
}
