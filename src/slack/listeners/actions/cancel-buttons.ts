import type { BlockAction, ButtonAction } from '@slack/bolt';
import { type App, type SlackContext, safely } from '../../context.js';
import { ACTION } from '../../ids.js';
import { decodeRow } from '../../values.js';
import { redraw, refuseNonAdmin, runRowAction } from './row-action.js';

/** The inline "Cancel the invitation?" prompt: the confirmed button cancels, "Keep it" restores the row. */
export function registerCancelButtons(app: App, ctx: SlackContext): void {
  app.action<BlockAction<ButtonAction>>(ACTION.cancelConfirm, async ({ ack, body, action, client, respond }) => {
    await ack();
    await safely(
      ctx,
      'cancel confirm',
      (text) => respond({ response_type: 'ephemeral', replace_original: false, text }),
      () => runRowAction(ctx, { body, client, respond }, decodeRow(action.value), true),
    );
  });
  app.action<BlockAction<ButtonAction>>(ACTION.cancelKeep, async ({ ack, body, action, client, respond }) => {
    await ack();
    await safely(
      ctx,
      'cancel keep',
      (text) => respond({ response_type: 'ephemeral', replace_original: false, text }),
      async () => {
        const args = { body, client, respond };
        const actor = await ctx.adminActor(client, body.user.id);
        if (!actor) return refuseNonAdmin(ctx, args);
        await redraw(ctx, args, actor, decodeRow(action.value)?.state ?? { filter: null, page: 1 });
      },
    );
  });
}
