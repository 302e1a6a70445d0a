import type { Deps } from '../../deps.js';
import { type App, createContext } from '../context.js';
import { teamGuard } from '../team-guard.js';
import * as actions from './actions/index.js';
import * as commands from './commands/index.js';
import * as events from './events/index.js';
import * as views from './views/index.js';

/** Registers every listener, grouped by Slack surface (commands, actions, views, events). */
export function registerListeners(app: App, deps: Deps): void {
  const ctx = createContext(deps);
  app.error(async (err) => {
    deps.log.error({ err }, 'slack listener error');
  });
  app.use(teamGuard(deps.log));
  commands.register(app, ctx);
  actions.register(app, ctx);
  views.register(app, ctx);
  events.register(app, ctx);
}
