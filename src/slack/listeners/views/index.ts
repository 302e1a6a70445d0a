import type { App } from '../../context.js';
import { registerInviteSubmit } from './invite-submit.js';

export function register(app: App): void {
  registerInviteSubmit(app);
}
