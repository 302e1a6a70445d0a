import type { App, SlackContext } from '../../context.js';
import { registerAppHomeOpened } from './app-home-opened.js';
import { registerInviteStep } from './invite-step.js';
import { registerLifecycle } from './lifecycle.js';

export function register(app: App, ctx: SlackContext): void {
  registerAppHomeOpened(app, ctx);
  registerLifecycle(app, ctx);
  registerInviteStep(app, ctx);
}
