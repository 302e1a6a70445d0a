import type { App as BoltApp, webApi } from '@slack/bolt';
import type { Actor, Clock } from '../invitations/invitation.js';
import type { InvitationService } from '../invitations/service.js';
import type { Logger } from '../log.js';
import type { NoticeChannel } from '../notices/channel.js';
import type { NoticeService } from '../notices/service.js';
import { SlackDirectory } from './admins.js';
import { SLACK_SLOW_TEXT, UNEXPECTED_TEXT } from './errors.js';
import { slackUnavailable } from './web-errors.js';

export type App = BoltApp;
export type WebClient = webApi.WebClient;

/** What the Slack listeners are given: the services they drive, and nothing of the database. */
export interface SlackDeps {
  service: InvitationService;
  notices: NoticeService;
  channel: NoticeChannel;
  log: Logger;
  clock: Clock;
  accountName: string;
  /** The Marketplace account this workspace manages. */
  accountId: string;
}

/** Listener state: the deps plus the Slack profile cache. */
export interface SlackContext extends SlackDeps {
  directory: SlackDirectory;
  /** Who clicked, for the service (which decides whether they are an admin); null without a profile email. */
  actor(client: WebClient, userId: string): Promise<Actor | null>;
}

export function createContext(deps: SlackDeps, directory = new SlackDirectory(deps.clock)): SlackContext {
  return {
    ...deps,
    directory,
    actor: (client, userId) => directory.actor(client, userId, deps.accountId),
  };
}

/**
 * The work after an ack. Anything unexpected is logged and the user gets a sentence through `tell`
 * instead of silence or a stack trace; when it was Slack that did not answer (a slow or failing
 * users.info, say), the sentence says so, so the admin knows to simply try again.
 */
export async function afterAck(
  ctx: SlackContext,
  what: string,
  tell: (text: string) => Promise<unknown>,
  work: () => Promise<unknown>,
): Promise<void> {
  try {
    await work();
  } catch (err) {
    const slack = slackUnavailable(err);
    ctx.log.error({ err, what }, slack ? 'Slack did not answer' : 'slack listener failed');
    await tell(slack ? SLACK_SLOW_TEXT : UNEXPECTED_TEXT).catch((e: unknown) =>
      ctx.log.warn({ err: e }, 'could not tell the user about a failure'),
    );
  }
}

/** An answer only the clicking user sees, in the conversation of the click. */
export const ephemeral =
  (respond: (message: { response_type: 'ephemeral'; replace_original: false; text: string }) => Promise<unknown>) =>
  (text: string): Promise<unknown> =>
    respond({ response_type: 'ephemeral', replace_original: false, text });
