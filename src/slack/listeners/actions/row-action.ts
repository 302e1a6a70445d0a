import type { BlockAction, RespondFn } from '@slack/bolt';
import type { Actor, ListPage, Target } from '../../../invitations/invitation.js';
import { historyModal, loadingModal } from '../../blocks/messages.js';
import { CONFIRMABLE, type Confirmable } from '../../blocks/user-row.js';
import type { SlackContext, WebClient } from '../../context.js';
import { slackErrorText } from '../../errors.js';
import { perform } from '../../perform.js';
import { type Extras, listMessage, loadList, publishHome, queryOf } from '../../surfaces.js';
import { DEFAULT_STATE, type ListState, type RowRef } from '../../values.js';

export interface ClickArgs {
  body: BlockAction;
  client: WebClient;
  respond: RespondFn;
}

/**
 * Home, or a click that has no response_url to answer in: Slack sends one with every message click,
 * so a payload without it (malformed, or its view type mangled) can only be answered on Home.
 */
const onHome = (args: ClickArgs): boolean => args.body.view?.type === 'home' || typeof args.respond !== 'function';

/**
 * Redraws the surface the click came from: the ephemeral list via its response_url (Slack sends no
 * copy of an ephemeral message on click, hence the state in every value), or App Home. `page` is the
 * page an action read in its own transaction; without one the list is loaded (and admin-checked).
 * A `notice` goes to the admin alone: a separate ephemeral message, or a banner on their Home.
 */
export async function redraw(
  ctx: SlackContext,
  args: ClickArgs,
  actor: Actor,
  state: ListState,
  extras: Extras = {},
  page: ListPage | null = null,
): Promise<void> {
  if (onHome(args)) return publishHome(ctx, args.client, args.body.user.id, state, extras, page);
  const loaded = page ? ({ ok: true, value: page } as const) : await loadList(ctx, actor, state);
  // Someone who is not (or no longer) an admin keeps the list they had and gets the refusal.
  if (!loaded.ok && loaded.error.code === 'not_admin') return refuseNonAdmin(ctx, args);
  if (extras.notice) await args.respond({ response_type: 'ephemeral', replace_original: false, text: extras.notice });
  const message = loaded.ok
    ? listMessage(ctx, actor, loaded.value, state, { prompt: extras.prompt ?? null })
    : { text: slackErrorText(loaded.error) };
  await args.respond({ response_type: 'ephemeral', replace_original: true, ...message });
}

/** Said to a non-admin; nothing else happens. */
export async function refuseNonAdmin(ctx: SlackContext, args: ClickArgs): Promise<void> {
  if (onHome(args)) return publishHome(ctx, args.client, args.body.user.id, DEFAULT_STATE);
  await args.respond({
    response_type: 'ephemeral',
    replace_original: false,
    text: slackErrorText({ code: 'not_admin' }),
  });
}

/** View history: the modal opens at once (trigger_id lasts 3 s), then fills in, or says why not. */
async function showHistory(ctx: SlackContext, args: ClickArgs, ref: RowRef): Promise<void> {
  const opened = await args.client.views.open({ trigger_id: args.body.trigger_id, view: loadingModal('History') });
  const viewId = opened.view?.id;
  const actor = await ctx.actor(args.client, args.body.user.id);
  const r = actor ? await ctx.service.history(actor, { userId: ref.userId }, 30) : null;
  const view = r?.ok
    ? historyModal(r.value.email ?? `erased user #${ref.userId}`, r.value.entries)
    : loadingModal('History', slackErrorText(r ? r.error : { code: 'not_admin' }));
  if (viewId) await args.client.views.update({ view_id: viewId, view });
}

/**
 * One ••• action. The service checks, once and at this moment, that the clicker is an Active admin
 * and that the action is allowed for the user's current state and for the invitation the row
 * showed, and reads the page to redraw in the same transaction. Actions that need confirming first
 * redraw the row as a prompt; its button comes back here `confirmed`.
 */
export async function runRowAction(ctx: SlackContext, args: ClickArgs, ref: RowRef | null, confirmed = false) {
  if (ref?.action === 'history') return showHistory(ctx, args, ref);
  const actor = await ctx.actor(args.client, args.body.user.id);
  if (!actor) return refuseNonAdmin(ctx, args);
  if (!ref) {
    const notice = slackErrorText({
      code: 'invalid_input',
      detail: 'That button is out of date. Here is the current list.',
    });
    return redraw(ctx, args, actor, DEFAULT_STATE, { notice });
  }
  if (CONFIRMABLE.has(ref.action) && !confirmed) {
    return redraw(ctx, args, actor, ref.state, { prompt: { userId: ref.userId, action: ref.action as Confirmable } });
  }
  const target: Target = { userId: ref.userId, invitationId: ref.invitationId };
  const r = await perform(ctx.service, ref.action, actor, target, {
    redraw: queryOf(ref.state),
    role: ref.role ?? null,
  });
  if (!r.ok && r.error.code === 'not_admin') return refuseNonAdmin(ctx, args);
  if (r.ok) return redraw(ctx, args, actor, ref.state, { notice: r.value.value }, r.value.page);
  return redraw(ctx, args, actor, ref.state, { notice: slackErrorText(r.error) });
}
