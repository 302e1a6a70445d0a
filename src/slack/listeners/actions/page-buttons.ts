import type { BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import { type App, type SlackContext, safely } from '../../context.js';
import { ACTION } from '../../ids.js';
import { decodeState, type ListState } from '../../values.js';
import { type ClickArgs, redraw, refuseNonAdmin } from './row-action.js';

async function show(ctx: SlackContext, args: ClickArgs, state: ListState | null): Promise<void> {
  const actor = await ctx.adminActor(args.client, args.body.user.id);
  if (!actor) return refuseNonAdmin(ctx, args);
  await redraw(ctx, args, actor, state ?? { filter: null, page: 1 });
}

/** Previous / next page (message and Home) and the status filter on Home. */
export function registerPageButtons(app: App, ctx: SlackContext): void {
  app.action<BlockAction<ButtonAction>>(
    new RegExp(`^${ACTION.page}:`),
    async ({ ack, body, action, client, respond }) => {
      await ack();
      await safely(
        ctx,
        'page button',
        (text) => respond({ response_type: 'ephemeral', replace_original: false, text }),
        () => show(ctx, { body, client, respond }, decodeState(action.value)),
      );
    },
  );
  app.action<BlockAction<StaticSelectAction>>(ACTION.homeFilter, async ({ ack, body, action, client, respond }) => {
    await ack();
    await safely(
      ctx,
      'home filter',
      async () => {},
      () => show(ctx, { body, client, respond }, decodeState(action.selected_option?.value)),
    );
  });
}
