import type { App, SlackContext } from '../../context.js';
import { registerUsersCommand } from './users-command.js';

export function register(app: App, ctx: SlackContext): void {
  registerUsersCommand(app, ctx);
}
