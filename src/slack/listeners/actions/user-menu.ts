import type { BlockAction, ButtonAction, OverflowAction } from '@slack/bolt';
import { type App, afterAck, ctxOf, ephemeral } from '../../context.js';
import { ACTION } from '../../ids.js';
import { decodeRow } from '../../values.js';
import { runRowAction } from './row-action.js';

/** The ••• menu of a user row, and the single button that stands in for it when one action is left. */
export function registerUserMenu(app: App): void {
  app.action<BlockAction<OverflowAction>>(ACTION.userMenu, async ({ ack, body, action, client, respond, context }) => {
    const ctx = ctxOf(context);
    await ack();
    await afterAck(ctx, 'user menu', ephemeral(respond), () =>
      runRowAction(ctx, { body, client, respond }, decodeRow(action.selected_option?.value)),
    );
  });
  app.action<BlockAction<ButtonAction>>(ACTION.userHistory, async ({ ack, body, action, client, respond, context }) => {
    const ctx = ctxOf(context);
    await ack();
    await afterAck(ctx, 'row button', ephemeral(respond), () =>
      runRowAction(ctx, { body, client, respond }, decodeRow(action.value)),
    );
  });
}
