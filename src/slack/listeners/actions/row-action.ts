import type { BlockAction, RespondFn } from '@slack/bolt';
import type { Result } from '../../../invitations/errors.js';
import type { Actor, Target } from '../../../invitations/invitation.js';
import { confirm, historyModal } from '../../blocks/messages.js';
import type { SlackContext, WebClient } from '../../context.js';
import { slackErrorText } from '../../errors.js';
import { type Extras, listMessage, publishHome } from '../../surfaces.js';
import type { ListState, RowRef } from '../../values.js';

export interface ClickArgs {
  body: BlockAction;
  client: WebClient;
  respond: RespondFn;
}

const onHome = (body: BlockAction): boolean => body.view?.type === 'home';

/**
 * Redraws the surface the click came from, with fresh data: the ephemeral list via its response_url
 * (Slack sends no copy of an ephemeral message on click, hence the state in every value), or App Home.
 * A `notice` goes to the admin alone: a separate ephemeral message, or a banner on their Home.
 */
export async function redraw(
  ctx: SlackContext,
  args: ClickArgs,
  actor: Actor,
  state: ListState,
  extras: Extras = {},
): Promise<void> {
  if (onHome(args.body)) return publishHome(ctx, args.client, args.body.user.id, state, extras);
  if (extras.notice) await args.respond({ response_type: 'ephemeral', replace_original: false, text: extras.notice });
  const message = await listMessage(ctx, actor, state, { cancelPromptFor: extras.cancelPromptFor ?? null });
  await args.respond({ response_type: 'ephemeral', replace_original: true, ...message });
}

/** Said to a non-admin; nothing else happens. */
export async function refuseNonAdmin(ctx: SlackContext, args: ClickArgs): Promise<void> {
  if (onHome(args.body)) return publishHome(ctx, args.client, args.body.user.id, { filter: null, page: 1 });
  await args.respond({
    response_type: 'ephemeral',
    replace_original: false,
    text: slackErrorText({ code: 'not_admin' }),
  });
}

function notice<T>(r: Result<T>, done: (value: T) => string): string {
  return r.ok ? done(r.value) : slackErrorText(r.error);
}

/**
 * One ••• action. The service re-checks, at this moment, that the clicker is an Active admin and
 * that the action is allowed for the user's current state and for the invitation the row showed.
 */
export async function runRowAction(
  ctx: SlackContext,
  args: ClickArgs,
  ref: RowRef | null,
  confirmed = false,
): Promise<void> {
  const actor = await ctx.adminActor(args.client, args.body.user.id);
  if (!actor) return refuseNonAdmin(ctx, args);
  if (!ref)
    return redraw(
      ctx,
      args,
      actor,
      { filter: null, page: 1 },
      {
        notice: slackErrorText({
          code: 'invalid_input',
          detail: 'That button is out of date. Here is the current list.',
        }),
      },
    );
  const { service } = ctx.deps;
  const target: Target = { userId: ref.userId, ...(ref.invitationId ? { invitationId: ref.invitationId } : {}) };
  switch (ref.action) {
    case 'copy_link':
      return redraw(ctx, args, actor, ref.state, {
        notice: notice(await service.copyLink(actor, target), (v) => confirm.link(v.user, v.link)),
      });
    case 'resend':
      return redraw(ctx, args, actor, ref.state, {
        notice: notice(await service.resend(actor, target), confirm.resent),
      });
    case 'send_new':
      return redraw(ctx, args, actor, ref.state, {
        notice: notice(await service.sendNew(actor, target), confirm.sentNew),
      });
    case 'cancel':
      if (!confirmed) return redraw(ctx, args, actor, ref.state, { cancelPromptFor: ref.userId });
      return redraw(ctx, args, actor, ref.state, {
        notice: notice(await service.cancel(actor, target), (v) => confirm.cancelled(v.email)),
      });
    case 'history': {
      const r = await service.history(actor, { userId: ref.userId }, 30);
      if (!r.ok) return redraw(ctx, args, actor, ref.state, { notice: slackErrorText(r.error) });
      await args.client.views.open({
        trigger_id: args.body.trigger_id,
        view: historyModal(r.value.email, r.value.entries),
      });
    }
  }
}
