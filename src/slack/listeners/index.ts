import type { Logger } from '../../log.js';
import { type App, type SlackDeps, tenantContext } from '../context.js';
import { payloadGuard } from '../payload-guard.js';
import { teamGuard } from '../team-guard.js';
import * as actions from './actions/index.js';
import * as commands from './commands/index.js';
import * as events from './events/index.js';
import type { OnRevoked } from './events/lifecycle.js';
import * as views from './views/index.js';

/** Registers every listener, grouped by Slack surface (commands, actions, views, events). */
export function registerListeners(app: App, deps: SlackDeps, onRevoked: OnRevoked, log: Logger = deps.log): void {
  app.error(async (err) => {
    log.error({ err }, 'slack listener error');
  });
  app.use(payloadGuard(log));
  app.use(teamGuard(log));
  app.use(tenantContext(deps));
  commands.register(app);
  actions.register(app);
  views.register(app);
  events.register(app, onRevoked);
}
