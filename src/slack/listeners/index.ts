import type { Logger } from '../../log.js';
import { type App, createContext, type SlackDeps } from '../context.js';
import { payloadGuard } from '../payload-guard.js';
import { teamGuard } from '../team-guard.js';
import * as actions from './actions/index.js';
import * as commands from './commands/index.js';
import * as events from './events/index.js';
import * as views from './views/index.js';

/** Registers every listener, grouped by Slack surface (commands, actions, views, events). */
export function registerListeners(app: App, deps: SlackDeps, log: Logger = deps.log): void {
  const ctx = createContext(deps);
  app.error(async (err) => {
    log.error({ err }, 'slack listener error');
  });
  app.use(payloadGuard(log));
  app.use(teamGuard(log));
  commands.register(app, ctx);
  actions.register(app, ctx);
  views.register(app, ctx);
  events.register(app, ctx);
}
