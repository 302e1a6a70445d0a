import type { BlockAction, ButtonAction, OverflowAction } from '@slack/bolt';
import { type App, type SlackContext, safely } from '../../context.js';
import { ACTION } from '../../ids.js';
import { decodeRow } from '../../values.js';
import { runRowAction } from './row-action.js';

/** The ••• menu of a user row, and the "History" button that stands in for it on Active users. */
export function registerUserMenu(app: App, ctx: SlackContext): void {
  app.action<BlockAction<OverflowAction>>(ACTION.userMenu, async ({ ack, body, action, client, respond }) => {
    await ack();
    await safely(
      ctx,
      'user menu',
      (text) => respond({ response_type: 'ephemeral', replace_original: false, text }),
      () => runRowAction(ctx, { body, client, respond }, decodeRow(action.selected_option?.value)),
    );
  });
  app.action<BlockAction<ButtonAction>>(ACTION.userHistory, async ({ ack, body, action, client, respond }) => {
    await ack();
    await safely(
      ctx,
      'history button',
      (text) => respond({ response_type: 'ephemeral', replace_original: false, text }),
      () => runRowAction(ctx, { body, client, respond }, decodeRow(action.value)),
    );
  });
}
