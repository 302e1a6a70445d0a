import type { App } from '../../context.js';
import { registerUsersCommand } from './users-command.js';

export function register(app: App): void {
  registerUsersCommand(app);
}
