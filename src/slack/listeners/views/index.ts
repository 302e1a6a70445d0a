import type { App, SlackContext } from '../../context.js';
import { registerInviteSubmit } from './invite-submit.js';

export function register(app: App, ctx: SlackContext): void {
  registerInviteSubmit(app, ctx);
}
