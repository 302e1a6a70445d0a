import type { BlockAction, ButtonAction, PlainTextInputAction, StaticSelectAction } from '@slack/bolt';
import { type App, afterAck, ctxOf, ephemeral, type SlackContext } from '../../context.js';
import { ACTION } from '../../ids.js';
import { DEFAULT_STATE, decodeState, type ListState } from '../../values.js';
import { type ClickArgs, redraw, refuseNonAdmin } from './row-action.js';

async function show(ctx: SlackContext, args: ClickArgs, state: ListState | null): Promise<void> {
  const actor = await ctx.actor(args.client, args.body.user.id);
  if (!actor) return refuseNonAdmin(ctx, args);
  await redraw(ctx, args, actor, state ?? DEFAULT_STATE);
}

/** Previous / next page (message and Home), and the status filter and search box on Home. */
export function registerPageButtons(app: App): void {
  app.action<BlockAction<ButtonAction>>(
    new RegExp(`^${ACTION.page}:`),
    async ({ ack, body, action, client, respond, context }) => {
      const ctx = ctxOf(context);
      await ack();
      await afterAck(ctx, 'page button', ephemeral(respond), () =>
        show(ctx, { body, client, respond }, decodeState(action.value)),
      );
    },
  );
  app.action<BlockAction<StaticSelectAction>>(
    ACTION.homeFilter,
    async ({ ack, body, action, client, respond, context }) => {
      const ctx = ctxOf(context);
      await ack();
      // Keep the search while changing the status filter.
      const current = decodeState(body.view?.private_metadata) ?? DEFAULT_STATE;
      const picked = decodeState(action.selected_option?.value);
      await afterAck(
        ctx,
        'home filter',
        async () => {},
        () => show(ctx, { body, client, respond }, picked ? { ...picked, text: current.text ?? null } : null),
      );
    },
  );
  app.action<BlockAction<PlainTextInputAction>>(
    ACTION.homeSearch,
    async ({ ack, body, action, client, respond, context }) => {
      const ctx = ctxOf(context);
      await ack();
      const current = decodeState(body.view?.private_metadata) ?? DEFAULT_STATE;
      const text = typeof action.value === 'string' ? action.value.trim().slice(0, 100) : '';
      await afterAck(
        ctx,
        'home search',
        async () => {},
        () => show(ctx, { body, client, respond }, { filter: current.filter, page: 1, text: text || null }),
      );
    },
  );
}
