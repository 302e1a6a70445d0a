import type bolt from '@slack/bolt';
import type { Deps } from '../../deps.js';

type App = InstanceType<typeof bolt.App>;

/** Registers every listener, grouped by Slack surface (commands, actions, views, events). */
export function registerListeners(app: App, deps: Deps): void {
  void app;
  void deps;
}
