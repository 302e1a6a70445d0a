import type { Result } from '../invitations/errors.js';
import type { Actor, ListPage, ListQuery } from '../invitations/invitation.js';
import { adminHome, nonAdminHome } from './blocks/home.js';
import type { KnownBlock } from './blocks/types.js';
import { type ListView, listBlocks, listFallback, PAGE_SIZE } from './blocks/user-list.js';
import type { SlackContext, WebClient } from './context.js';
import { slackErrorText } from './errors.js';
import type { ListState } from './values.js';

/** What a surface shows besides the rows. */
export type Extras = Pick<ListView, 'notice' | 'prompt' | 'channelProblem' | 'disconnected'>;

export interface Message {
  text: string;
  blocks?: KnownBlock[];
}

/** The service query behind a list state. */
export function queryOf(state: ListState, pageSize = PAGE_SIZE): ListQuery {
  return { filter: state.filter, text: state.text ?? null, userId: state.userId ?? null, page: state.page, pageSize };
}

/** One page as the admin asked for it (the service checks the admin). */
export function loadList(ctx: SlackContext, actor: Actor, state: ListState): Promise<Result<ListPage>> {
  return ctx.service.list(actor, queryOf(state));
}

function view(ctx: SlackContext, actor: Actor, page: ListPage, state: ListState, extras: Extras) {
  return { accountName: ctx.accountName, page, state, viewerEmail: actor.email, ...extras };
}

/** The list as an ephemeral message body (for response_url). */
export function listMessage(
  ctx: SlackContext,
  actor: Actor,
  page: ListPage,
  state: ListState,
  extras: Extras = {},
): Message {
  const v = { ...view(ctx, actor, page, state, extras), surface: 'message' as const };
  return { text: listFallback(v), blocks: listBlocks(v) };
}

/** Loads and renders the list, or says why not. */
export async function loadListMessage(
  ctx: SlackContext,
  actor: Actor,
  state: ListState,
  extras: Extras = {},
): Promise<Message> {
  const r = await loadList(ctx, actor, state);
  return r.ok ? listMessage(ctx, actor, r.value, state, extras) : { text: slackErrorText(r.error) };
}

/**
 * (Re)draws a user's App Home: the list for an admin, a short explanation for anyone else. `page`
 * is the page an action already read in its transaction; otherwise it is loaded here.
 */
export async function publishHome(
  ctx: SlackContext,
  client: WebClient,
  userId: string,
  state: ListState,
  extras: Extras = {},
  page: ListPage | null = null,
): Promise<void> {
  const actor = await ctx.actor(client, userId);
  // The list's own admin check decides: a refused list is the non-admin page, no separate lookup.
  const loaded = page ? ({ ok: true, value: page } as const) : actor ? await loadList(ctx, actor, state) : null;
  if (!actor || !loaded?.ok) {
    await client.views.publish({ user_id: userId, view: nonAdminHome(ctx.accountName) });
    return;
  }
  // Home is not on the 3-second path, so it can afford to look up the notice channel's health.
  const channelProblem = extras.channelProblem ?? (await ctx.channel.problem());
  const [disconnected, noticeChannel] = await Promise.all([ctx.connection.state(), ctx.channel.current()]);
  const home = adminHome(
    { ...view(ctx, actor, loaded.value, state, extras), channelProblem, disconnected },
    noticeChannel,
  );
  await client.views.publish({ user_id: userId, view: home });
}
