import type { BlockAction, ButtonAction } from '@slack/bolt';
import { type App, afterAck, ctxOf, ephemeral } from '../../context.js';
import { ACTION } from '../../ids.js';
import { DEFAULT_STATE, decodeRow } from '../../values.js';
import { redraw, refuseNonAdmin, runRowAction } from './row-action.js';

/** The inline "Are you sure?" prompt: the confirmed button acts, "Keep it" restores the row. */
export function registerPromptButtons(app: App): void {
  app.action<BlockAction<ButtonAction>>(
    ACTION.promptConfirm,
    async ({ ack, body, action, client, respond, context }) => {
      const ctx = ctxOf(context);
      await ack();
      await afterAck(ctx, 'prompt confirm', ephemeral(respond), () =>
        runRowAction(ctx, { body, client, respond }, decodeRow(action.value), true),
      );
    },
  );
  app.action<BlockAction<ButtonAction>>(ACTION.promptKeep, async ({ ack, body, action, client, respond, context }) => {
    const ctx = ctxOf(context);
    await ack();
    await afterAck(ctx, 'prompt keep', ephemeral(respond), async () => {
      const args = { body, client, respond };
      const actor = await ctx.actor(client, body.user.id);
      if (!actor) return refuseNonAdmin(ctx, args);
      await redraw(ctx, args, actor, decodeRow(action.value)?.state ?? DEFAULT_STATE);
    });
  });
}
