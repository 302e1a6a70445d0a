import type { BlockAction, ButtonAction } from '@slack/bolt';
import { renewSummaryText } from '../../blocks/renew-all.js';
import { type App, afterAck, ephemeral, type SlackContext } from '../../context.js';
import { slackErrorText } from '../../errors.js';
import { ACTION } from '../../ids.js';

/** "Send new invitation to all N", confirmed in Slack's dialog: renews every expired invitation, once. */
export function registerRenewAll(app: App, ctx: SlackContext): void {
  app.action<BlockAction<ButtonAction>>(ACTION.renewAll, async ({ ack, body, client, respond }) => {
    await ack();
    const tell = ephemeral(respond);
    await afterAck(ctx, 'renew all', tell, async () => {
      const actor = await ctx.actor(client, body.user.id);
      const r = actor ? await ctx.service.renewAllExpired(actor) : null;
      await tell(r?.ok ? renewSummaryText(r.value) : slackErrorText(r ? r.error : { code: 'not_admin' }));
    });
  });
}
