import type { App } from '../../context.js';
import { registerAppHomeOpened } from './app-home-opened.js';
import { registerInviteStep } from './invite-step.js';
import { type OnRevoked, registerLifecycle } from './lifecycle.js';

export function register(app: App, onRevoked: OnRevoked): void {
  registerAppHomeOpened(app);
  registerLifecycle(app, onRevoked);
  registerInviteStep(app);
}
