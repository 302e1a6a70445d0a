import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { ActionOptions, Done } from '../../../invitations/act.js';
import type { DomainError, Result } from '../../../invitations/errors.js';
import type { Actor } from '../../../invitations/invitation.js';
import type { InvitationService } from '../../../invitations/service.js';
import type { NoticeKind } from '../../../notices/service.js';
import { isSlackUserId } from '../../../text/ids.js';
import { confirm } from '../../blocks/confirmations.js';
import { decodeNoticeRef, type NoticeRef } from '../../blocks/notice-values.js';
import { type App, afterAck, ctxOf, ephemeral, type SlackContext, type WebClient } from '../../context.js';
import { slackErrorText } from '../../errors.js';
import { ACTION, COMMAND } from '../../ids.js';
import { emailText, slackDate, userText } from '../../mrkdwn.js';
import { noticeUpdate } from '../../notice-poster.js';

/** Refusals that mean "someone already dealt with this line" rather than "you did something wrong". */
const HANDLED: ReadonlySet<DomainError['code']> = new Set([
  'stale',
  'not_expired',
  'no_open_invitation',
  'already_active',
  'user_not_found',
]);

type Run = (s: InvitationService, actor: Actor, ref: NoticeRef, o: ActionOptions) => Promise<Result<Done<string>>>;

interface Click {
  kind: NoticeKind;
  /** False for a click that changes nothing (Copy invitation link): the line is not marked handled. */
  handles: boolean;
  run: Run;
}

const said =
  <T>(text: (value: T) => string) =>
  (r: Result<Done<T>>): Result<Done<string>> =>
    r.ok ? { ok: true, value: { value: text(r.value.value), page: null } } : r;

const CLICKS: Record<string, Click> = {
  [ACTION.noticeSendNew]: {
    kind: 'expiry',
    handles: true,
    run: (s, actor, ref, o) => s.sendNew(actor, ref, o).then(said(confirm.sentNew)),
  },
  // An invitee's request from the expired page: the same Send new invitation, marking the request answered.
  [ACTION.noticeAskedSendNew]: {
    kind: 'asked',
    handles: true,
    run: (s, actor, ref, o) => s.sendNew(actor, ref, o).then(said(confirm.sentNew)),
  },
  [ACTION.noticeResend]: {
    kind: 'reminder',
    handles: true,
    run: (s, actor, ref, o) => s.resend(actor, ref, o).then(said(confirm.resent)),
  },
  // Bounce notices. The link goes to the clicker only (ephemeral), never into the channel.
  [ACTION.noticeCopyLink]: {
    kind: 'bounced',
    handles: false,
    run: (s, actor, ref, o) => s.copyLink(actor, ref, o).then(said(confirm.link)),
  },
  [ACTION.noticeCancel]: {
    kind: 'bounced',
    handles: true,
    run: (s, actor, ref, o) => s.cancel(actor, ref, o).then(said(confirm.cancelled)),
  },
};

/**
 * The buttons on channel notices. Anyone in the channel sees them; only admins may act (the service
 * checks, in the action's transaction, which also marks the line handled). After the action the
 * notice is rewritten in place with chat.update; a second click is refused as already handled.
 */
export function registerNoticeButtons(app: App): void {
  for (const [actionId, click] of Object.entries(CLICKS)) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, client, respond, context }) => {
      const ctx = ctxOf(context);
      await ack();
      const tell = ephemeral(respond);
      await afterAck(ctx, 'notice button', tell, async () => {
        const text = await onClick(ctx, click, body, client, decodeNoticeRef(action.value));
        await tell(text);
      });
    });
  }
}

async function onClick(
  ctx: SlackContext,
  click: Click,
  body: BlockAction,
  client: WebClient,
  ref: NoticeRef | null,
): Promise<string> {
  const actor = await ctx.actor(client, body.user.id);
  if (!actor) return slackErrorText({ code: 'not_admin' });
  if (!ref)
    return slackErrorText({ code: 'invalid_input', detail: `That button is out of date. Use ${COMMAND} list.` });
  const done = await ctx.notices.act(
    { kind: click.kind, invitationId: ref.invitationId, slackUserId: body.user.id, handles: click.handles },
    (options) => click.run(ctx.service, actor, ref, options),
  );
  if (done.handledBefore) return alreadyHandled(done.handledBefore);
  const r = done.result;
  if (!r) return slackErrorText({ code: 'invalid_input' });
  if (!r.ok) {
    return HANDLED.has(r.error.code)
      ? `:information_source: Already handled: the invitation to ${emailText(r.error.email ?? 'this user')} changed since this notice was posted ` +
          `(a new invitation was sent, or it was accepted, declined or cancelled). See \`${COMMAND} list\`.`
      : slackErrorText(r.error);
  }
  if (click.handles && done.postId) await redrawNotice(ctx, client, done.postId);
  return r.value.value;
}

function alreadyHandled(handled: { by: string; at: Date }): string {
  const who = isSlackUserId(handled.by) ? `<@${handled.by}>` : userText(handled.by, 40);
  return `:information_source: Already handled by ${who} at ${slackDate(handled.at)}.`;
}

/** Rewrites the whole notice from the database: every line says what became of it. */
async function redrawNotice(ctx: SlackContext, client: WebClient, postId: string): Promise<void> {
  const post = await ctx.notices.post(postId);
  const args = post && noticeUpdate(post, { accountName: ctx.accountName, now: ctx.clock() });
  if (!args) return;
  try {
    await client.chat.update(args);
  } catch (err) {
    // The action itself succeeded; a notice that could not be redrawn is only cosmetic.
    ctx.log.warn({ postId, err }, 'could not update a channel notice');
  }
}
