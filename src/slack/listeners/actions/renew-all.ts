import type { BlockAction, ButtonAction } from '@slack/bolt';
import { renewSummaryText } from '../../blocks/renew-all.js';
import { type App, afterAck, ctxOf, ephemeral } from '../../context.js';
import { slackErrorText } from '../../errors.js';
import { ACTION } from '../../ids.js';

/** "Send new invitation to all N", confirmed in Slack's dialog: renews every expired invitation, once. */
export function registerRenewAll(app: App): void {
  app.action<BlockAction<ButtonAction>>(ACTION.renewAll, async ({ ack, body, client, respond, context }) => {
    const ctx = ctxOf(context);
    await ack();
    const tell = ephemeral(respond);
    await afterAck(ctx, 'renew all', tell, async () => {
      const actor = await ctx.actor(client, body.user.id);
      const r = actor ? await ctx.service.renewAllExpired(actor) : null;
      await tell(r?.ok ? renewSummaryText(r.value) : slackErrorText(r ? r.error : { code: 'not_admin' }));
    });
  });
}
