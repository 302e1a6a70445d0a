import type { App, SlackContext } from '../../context.js';
import { registerCancelButtons } from './cancel-buttons.js';
import { registerInviteButton } from './invite-button.js';
import { registerNoticeButtons } from './notice-buttons.js';
import { registerPageButtons } from './page-buttons.js';
import { registerUserMenu } from './user-menu.js';

export function register(app: App, ctx: SlackContext): void {
  registerUserMenu(app, ctx);
  registerCancelButtons(app, ctx);
  registerPageButtons(app, ctx);
  registerInviteButton(app, ctx);
  registerNoticeButtons(app, ctx);
}
