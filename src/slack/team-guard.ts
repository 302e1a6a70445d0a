import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../log.js';
import { DATABASE_DOWN_TEXT, SLACK_SLOW_TEXT } from './errors.js';

/** Events Slack sends when our token dies: auth.test then fails, yet they must still be heard. */
const LIFECYCLE = new Set(['app_uninstalled', 'tokens_revoked']);

type Body = {
  event?: { type?: string };
  team_id?: string;
  team?: { id?: string } | null;
  user?: { team_id?: string };
  enterprise?: { id?: string } | null;
  enterprise_id?: string;
};
interface Home {
  team: string | null;
  enterprise: string | null;
}

/**
 * This deployment manages ONE account from ONE workspace: a request signed with our secret but
 * coming from another workspace (a shared channel, a second install) is acknowledged and ignored.
 * The home workspace (and Enterprise Grid org, if any) is the bot token's, from auth.test. On Grid
 * one org spans several team ids, so a request from our own org's other workspaces is let through
 * (the admin check by email still applies) — but only when its enterprise id is OUR org's: a
 * request that merely mentions an enterprise (every slash command carries is_enterprise_install=false)
 * proves nothing.
 */
export function teamGuard(log: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as Body;
    const team = body.team_id ?? body.team?.id ?? body.user?.team_id;
    const enterprise = body.enterprise?.id ?? body.enterprise_id ?? null;
    // Slack did not tell us who the bot is in time: act on nothing, but say why. An uninstall is
    // the exception: auth.test fails BECAUSE of it, and the signed event is what we must record.
    // "Add to Slack": the installation could not be read. Nothing can be done, but the admin hears why.
    if (args.context.databaseUnavailable) return answerOnly(args, DATABASE_DOWN_TEXT);
    if (args.context.slackUnavailable) {
      if (LIFECYCLE.has(body.event?.type ?? '')) return args.next();
      return answerOnly(args, SLACK_SLOW_TEXT);
    }
    // Our own team and org, from the authorize step (auth.test of the bot token); the check above
    // stops every request that has none, so this one never falls open.
    const expected: Home = {
      team: (args.context.homeTeamId as string | null | undefined) ?? null,
      enterprise: (args.context.homeEnterpriseId as string | null | undefined) ?? null,
    };
    const sameOrg = expected.enterprise != null && enterprise === expected.enterprise;
    if (expected.team && team && team !== expected.team && !sameOrg) {
      log.warn({ team }, 'ignored a Slack request from another workspace');
      await answerOnly(args, 'This app manages users for another Slack workspace.');
      return;
    }
    await args.next();
  };
}

/** Acknowledges a request that will not be acted on; a command's ack carries `text` for the user. */
async function answerOnly(args: AnyMiddlewareArgs, text: string): Promise<void> {
  if (!('ack' in args) || typeof args.ack !== 'function') return;
  await (args.ack as (m?: unknown) => Promise<void>)(
    'command' in args ? { response_type: 'ephemeral', text } : undefined,
  );
}
