import { type App, type SlackContext, safely } from '../../context.js';
import { publishHome } from '../../surfaces.js';
import { decodeState } from '../../values.js';

/** Draws the "Users" page each time the Home tab opens, keeping the filter/page last shown. */
export function registerAppHomeOpened(app: App, ctx: SlackContext): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const state = decodeState(event.view?.private_metadata) ?? { filter: null, page: 1 };
    await safely(
      ctx,
      'app home',
      async () => {},
      () => publishHome(ctx, client, event.user, state),
    );
  });
}
