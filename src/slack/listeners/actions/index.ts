import type { App } from '../../context.js';
import { ACTION } from '../../ids.js';
import { registerInviteButton } from './invite-button.js';
import { registerNoticeButtons } from './notice-buttons.js';
import { registerNoticeChannel } from './notice-channel.js';
import { registerPageButtons } from './page-buttons.js';
import { registerPromptButtons } from './prompt-buttons.js';
import { registerRenewAll } from './renew-all.js';
import { registerUserMenu } from './user-menu.js';

export function register(app: App): void {
  registerUserMenu(app);
  registerPromptButtons(app);
  registerPageButtons(app);
  registerInviteButton(app);
  registerNoticeButtons(app);
  registerRenewAll(app);
  registerNoticeChannel(app);
  // The invitation DM's Open invitation button opens its URL in the browser; Slack still sends the click.
  app.action(ACTION.inviteDmOpen, async ({ ack }) => {
    await ack();
  });
}
