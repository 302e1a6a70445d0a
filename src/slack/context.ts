import type { AnyMiddlewareArgs, App as BoltApp, Context, Middleware, webApi } from '@slack/bolt';
import type { BulkRequests } from '../invitations/bulk-requests.js';
import { databaseUnavailable } from '../invitations/errors.js';
import type { Actor, Clock } from '../invitations/invitation.js';
import type { InvitationService } from '../invitations/service.js';
import type { Logger } from '../log.js';
import type { Tenant, Tenants } from '../tenants.js';
import { SlackDirectory } from './admins.js';
import { DATABASE_DOWN_TEXT, SLACK_SLOW_TEXT, STILL_WORKING_TEXT, UNEXPECTED_TEXT } from './errors.js';
import { classifySlackError, slackUnavailable } from './web-errors.js';

export type App = BoltApp;

/** After this long without an answer, the admin is told it is on its way. */
export const STILL_WORKING_MS = 8_000;
export type WebClient = webApi.WebClient;

/** What the Slack listeners are given: the services they drive, and nothing of the database. */
export interface SlackDeps {
  service: InvitationService;
  /** Records a bulk invite for its job (the summary comes from the job). */
  bulk: Pick<BulkRequests, 'record'>;
  /** Each account's own services; a request works with its installation's account only. */
  tenants: Pick<Tenants, 'of'>;
  log: Logger;
  clock: Clock;
}

/** Listener state for one request: the deps, its account's services, the Slack profile cache. */
export interface SlackContext extends Omit<SlackDeps, 'tenants'>, Tenant {
  directory: SlackDirectory;
  /** Who clicked, for the service (which decides whether they are an admin); null without a profile email. */
  actor(client: WebClient, userId: string): Promise<Actor | null>;
}

export function createContext(deps: SlackDeps, tenant: Tenant, directory: SlackDirectory): SlackContext {
  return {
    service: deps.service,
    bulk: deps.bulk,
    log: deps.log,
    clock: deps.clock,
    ...tenant,
    directory,
    actor: (client, userId) => directory.actor(client, userId, tenant.accountId),
  };
}

/**
 * Puts the request's SlackContext on Bolt's context: its account is the one authorize found for the
 * installation (context.accountId), never anything the payload says. Events Bolt does not authorize
 * (app_uninstalled, tokens_revoked) have none and get none.
 */
export function tenantContext(deps: SlackDeps): Middleware<AnyMiddlewareArgs> {
  const directory = new SlackDirectory(deps.clock);
  return async ({ context, next }) => {
    const accountId = context.accountId as string | undefined;
    if (accountId) context.slack = createContext(deps, await deps.tenants.of(accountId), directory);
    await next();
  };
}

/** The request's SlackContext (see tenantContext). */
export function ctxOf(context: Context): SlackContext {
  const ctx = context.slack as SlackContext | undefined;
  if (!ctx) throw new Error('no Marketplace account for this Slack request');
  return ctx;
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
  const told = (text: string) =>
    tell(text).catch((e: unknown) => ctx.log.warn({ err: e }, 'could not tell the user about a delay or failure'));
  // A slow database (or Slack) keeps the admin waiting: say so once, then answer when ready.
  const slow = setTimeout(() => void told(STILL_WORKING_TEXT), STILL_WORKING_MS);
  slow.unref();
  try {
    await work();
  } catch (err) {
    await noteDeadToken(ctx, err);
    const text = slackUnavailable(err)
      ? SLACK_SLOW_TEXT
      : databaseUnavailable(err)
        ? DATABASE_DOWN_TEXT
        : UNEXPECTED_TEXT;
    ctx.log.error({ err, what }, text === UNEXPECTED_TEXT ? 'slack listener failed' : 'a service did not answer');
    await told(text);
  } finally {
    clearTimeout(slow);
  }
}

/** Slack refused our token in the middle of a listener's work: recorded, so notices stop too. */
export async function noteDeadToken(ctx: Pick<SlackContext, 'connection' | 'log'>, err: unknown): Promise<void> {
  const failure = classifySlackError(err);
  if (failure.kind === 'disconnected') await recordDeadToken(ctx, failure.error);
}

/** Records (once) that Slack refused the bot token with `error`; never throws. */
export async function recordDeadToken(ctx: Pick<SlackContext, 'connection' | 'log'>, error: string): Promise<void> {
  try {
    if (await ctx.connection.disconnect(error))
      ctx.log.warn({ error }, 'Slack refused the bot token: notices stop until a working token is back');
  } catch (e) {
    ctx.log.error({ err: e }, 'could not record that Slack refused the bot token');
  }
}

/** An answer only the clicking user sees, in the conversation of the click. */
export const ephemeral =
  (respond: (message: { response_type: 'ephemeral'; replace_original: false; text: string }) => Promise<unknown>) =>
  (text: string): Promise<unknown> =>
    respond({ response_type: 'ephemeral', replace_original: false, text });
