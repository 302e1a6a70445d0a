import type { Result } from '../invitations/errors.js';
import type { Actor } from '../invitations/invitation.js';
import { adminHome, nonAdminHome } from './blocks/home.js';
import { type ListView, listBlocks, listFallback, PAGE_SIZE } from './blocks/user-list.js';
import type { SlackContext, WebClient } from './context.js';
import { slackErrorText } from './errors.js';
import type { ListState } from './values.js';

export interface Extras {
  notice?: string | null;
  channelProblem?: { channel: string; error: string } | null;
  cancelPromptFor?: string | null;
}

/** One page of the list as a view model, for either surface. */
export async function loadList(
  ctx: SlackContext,
  actor: Actor,
  state: ListState,
  extras: Extras = {},
): Promise<Result<Omit<ListView, 'surface'>>> {
  const r = await ctx.deps.service.list(actor, { filter: state.filter, page: state.page, pageSize: PAGE_SIZE });
  if (!r.ok) return r;
  return { ok: true, value: { accountName: ctx.deps.config.accountName, page: r.value, state, ...extras } };
}

/** The list as an ephemeral message body (for the command's ack or a response_url replace). */
export async function listMessage(ctx: SlackContext, actor: Actor, state: ListState, extras: Extras = {}) {
  const r = await loadList(ctx, actor, state, extras);
  if (!r.ok) return { text: slackErrorText(r.error) };
  const view = { ...r.value, surface: 'message' as const };
  return { text: listFallback(view), blocks: listBlocks(view) };
}

/** (Re)draws a user's App Home: the list for an admin, a short explanation for anyone else. */
export async function publishHome(
  ctx: SlackContext,
  client: WebClient,
  userId: string,
  state: ListState,
  extras: Extras = {},
): Promise<void> {
  // The list's own admin check decides: a refused list is the non-admin page, no separate lookup.
  const actor = await ctx.directory.actor(client, userId);
  const r = actor ? await loadList(ctx, actor, state, extras) : null;
  // Home is not on the 3-second path, so it can afford to look up the notice channel's health.
  if (r?.ok) r.value.channelProblem = await ctx.deps.notices.problem();
  const view = r?.ok ? adminHome(r.value) : nonAdminHome(ctx.deps.config.accountName);
  await client.views.publish({ user_id: userId, view });
}
