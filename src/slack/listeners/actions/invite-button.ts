import type { BlockAction, ButtonAction } from '@slack/bolt';
import { type App, afterAck, ctxOf, ephemeral } from '../../context.js';
import { ACTION } from '../../ids.js';
import { openInviteForm } from '../../invite-form.js';

/** "Invite user" opens the form; from Home it remembers the list state to refresh afterwards. */
export function registerInviteButton(app: App): void {
  app.action<BlockAction<ButtonAction>>(
    ACTION.inviteButton,
    async ({ ack, body, action, client, respond, context }) => {
      const ctx = ctxOf(context);
      await ack();
      const home = body.view?.type === 'home' ? (action.value ?? null) : null;
      const origin = { responseUrl: home ? null : (body.response_url ?? null), home };
      await afterAck(ctx, 'invite button', ephemeral(respond), () =>
        openInviteForm(ctx, client, { triggerId: body.trigger_id, userId: body.user.id, origin }),
      );
    },
  );
}
