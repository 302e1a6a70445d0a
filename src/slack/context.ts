import type { App as BoltApp, webApi } from '@slack/bolt';
import type { Deps } from '../deps.js';
import type { Actor } from '../invitations/invitation.js';
import { SlackDirectory } from './admins.js';
import { UNEXPECTED_TEXT } from './errors.js';

export type App = BoltApp;
export type WebClient = webApi.WebClient;

/** What every listener gets: the app's deps plus Slack-only state (the email cache). */
export interface SlackContext {
  deps: Deps;
  directory: SlackDirectory;
  /** The Actor if this Slack user is, right now, an Active admin of the account; otherwise null. */
  adminActor(client: WebClient, userId: string): Promise<Actor | null>;
}

export function createContext(deps: Deps, directory = new SlackDirectory(deps.clock)): SlackContext {
  return {
    deps,
    directory,
    adminActor: async (client, userId) => {
      const actor = await directory.actor(client, userId);
      return actor && (await deps.service.isAdmin(actor.email)) ? actor : null;
    },
  };
}

/**
 * Runs a listener body; anything unexpected is logged with context and the user gets a polite
 * sentence through `tell` instead of silence or a stack trace.
 */
export async function safely(
  ctx: SlackContext,
  what: string,
  tell: (text: string) => Promise<unknown>,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (err) {
    ctx.deps.log.error({ err }, `slack ${what} failed`);
    await tell(UNEXPECTED_TEXT).catch((e: unknown) =>
      ctx.deps.log.warn({ err: e }, 'could not tell the user about a failure'),
    );
  }
}
