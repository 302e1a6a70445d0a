import type { InstallTarget } from '../../../installations/service.js';
import type { App } from '../../context.js';

/** Records that Slack no longer takes the installation's bot token; never throws. */
export type OnRevoked = (target: InstallTarget, reason: 'app_uninstalled' | 'tokens_revoked') => Promise<void>;

/**
 * Slack tells us the app was uninstalled or its bot token revoked. Bolt acknowledges these events
 * itself and does not authorize them (the token is already dead), so the installation is named by
 * the event's own team / org, as Bolt read it into the context. No Web API call is made here.
 */
export function registerLifecycle(app: App, onRevoked: OnRevoked): void {
  const targetOf = (context: Record<string, unknown>): InstallTarget => ({
    teamId: (context.teamId as string | undefined) ?? null,
    enterpriseId: (context.enterpriseId as string | undefined) ?? null,
    isEnterpriseInstall: context.isEnterpriseInstall === true,
  });
  app.event('app_uninstalled', async ({ context }) => {
    await onRevoked(targetOf(context), 'app_uninstalled');
  });
  app.event('tokens_revoked', async ({ event, context }) => {
    // A revoked user token (none is used here) leaves the bot token working.
    if (event.tokens.bot?.length) await onRevoked(targetOf(context), 'tokens_revoked');
  });
}
