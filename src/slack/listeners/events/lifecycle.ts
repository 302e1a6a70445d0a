import { type App, recordDeadToken, type SlackContext } from '../../context.js';

/**
 * Slack tells us the app was uninstalled or its bot token revoked. Bolt acknowledges events itself;
 * recording it stops every notice (src/jobs/post-notices.ts) until a working token is back. No Web
 * API call is made here: the token is already dead.
 */
export function registerLifecycle(app: App, ctx: SlackContext): void {
  const record = (reason: string) => recordDeadToken(ctx, reason);
  app.event('app_uninstalled', async () => {
    await record('app_uninstalled');
  });
  app.event('tokens_revoked', async ({ event }) => {
    // A revoked user token (none is used here) leaves the bot token working.
    if (event.tokens.bot?.length) await record('tokens_revoked');
  });
}
