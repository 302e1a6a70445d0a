import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../log.js';

type Body = { team_id?: string; team?: { id?: string } | null; user?: { team_id?: string }; enterprise?: unknown; is_enterprise_install?: boolean };

/**
 * This deployment manages ONE account from ONE workspace: a request signed with our secret but
 * coming from another workspace (a shared channel, a second install) is acknowledged and ignored.
 * The home workspace is the bot token's, from auth.test. Enterprise Grid requests are let through:
 * there one org spans several team ids, and the admin check by email still applies.
 */
export function teamGuard(log: Logger): Middleware<AnyMiddlewareArgs> {
  let home: Promise<string | null> | null = null;
  return async (args) => {
    const body = args.body as Body;
    const team = body.team_id ?? body.team?.id ?? body.user?.team_id;
    home ??= args.client.auth.test().then((r) => r.team_id ?? null, () => { home = null; return null; });
    const expected = await home;
    if (expected && team && team !== expected && !body.enterprise && !body.is_enterprise_install) {
      log.warn('ignored a Slack request from another workspace', { team });
      if ('ack' in args && typeof args.ack === 'function') {
        await (args.ack as (m?: unknown) => Promise<void>)(
          'command' in args ? { response_type: 'ephemeral', text: 'This app manages users for another Slack workspace.' } : undefined,
        );
      }
      return;
    }
    await args.next();
  };
}
