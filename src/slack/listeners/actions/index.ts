import type { App, SlackContext } from '../../context.js';
import { ACTION } from '../../ids.js';
import { registerInviteButton } from './invite-button.js';
import { registerNoticeButtons } from './notice-buttons.js';
import { registerNoticeChannel } from './notice-channel.js';
import { registerPageButtons } from './page-buttons.js';
import { registerPromptButtons } from './prompt-buttons.js';
import { registerRenewAll } from './renew-all.js';
import { registerUserMenu } from './user-menu.js';

export function register(app: App, ctx: SlackContext): void {
  registerUserMenu(app, ctx);
  registerPromptButtons(app, ctx);
  registerPageButtons(app, ctx);
  registerInviteButton(app, ctx);
  registerNoticeButtons(app, ctx);
  registerRenewAll(app, ctx);
  registerNoticeChannel(app, ctx);
  // The invitation DM's Open invitation button opens its URL in the browser; Slack still sends the click.
  app.action(ACTION.inviteDmOpen, async ({ ack }) => {
    await ack();
  });
}
