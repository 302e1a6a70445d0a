import { type App, afterAck, ctxOf } from '../../context.js';
import { publishHome } from '../../surfaces.js';
import { DEFAULT_STATE, decodeState } from '../../values.js';

/** Draws the "Users" page each time the Home tab opens, keeping the filter, page and search last shown. */
export function registerAppHomeOpened(app: App): void {
  app.event('app_home_opened', async ({ event, client, context }) => {
    const ctx = ctxOf(context);
    if (event.tab !== 'home') return;
    const state = decodeState(event.view?.private_metadata) ?? DEFAULT_STATE;
    await afterAck(
      ctx,
      'app home',
      async () => {},
      () => publishHome(ctx, client, event.user, state),
    );
  });
}
