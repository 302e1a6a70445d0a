import type { BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import type { NoticeKind } from '../../../db/schema.js';
import type { DomainError, Result } from '../../../invitations/errors.js';
import { confirm } from '../../blocks/messages.js';
import { noticeMessage } from '../../blocks/notice.js';
import { decodeNoticeRef, type NoticeRef } from '../../blocks/notice-values.js';
import { type App, type SlackContext, safely, type WebClient } from '../../context.js';
import { slackErrorText } from '../../errors.js';
import { ACTION } from '../../ids.js';
import { slackDate, userText } from '../../mrkdwn.js';

/** Refusals that mean "someone already dealt with this line" rather than "you did something wrong". */
const HANDLED: ReadonlySet<DomainError['code']> = new Set([
  'stale',
  'not_expired',
  'no_open_invitation',
  'already_active',
  'user_not_found',
]);

interface Click {
  kind: NoticeKind;
  /** Does the action; on success, the text told to the clicking admin. */
  run: (ctx: SlackContext, actor: { email: string; via: string }, ref: NoticeRef) => Promise<Result<string>>;
  /** False for a click that changes nothing (Copy invitation link): the line is not marked handled. */
  handles: boolean;
}

const text = <T>(r: Result<T>, done: (value: T) => string): Result<string> =>
  r.ok ? { ok: true, value: done(r.value) } : r;

const CLICKS: Record<string, Click> = {
  [ACTION.noticeSendNew]: {
    kind: 'expiry',
    handles: true,
    run: async (ctx, actor, ref) => text(await ctx.deps.service.sendNew(actor, ref), confirm.sentNew),
  },
  [ACTION.noticeResend]: {
    kind: 'reminder',
    handles: true,
    run: async (ctx, actor, ref) => text(await ctx.deps.service.resend(actor, ref), confirm.resent),
  },
  // Bounce notices. The link goes to the clicker only (ephemeral), never into the channel.
  [ACTION.noticeCopyLink]: {
    kind: 'bounced',
    handles: false,
    run: async (ctx, actor, ref) =>
      text(await ctx.deps.service.copyLink(actor, ref), (v) => confirm.link(v.user, v.link)),
  },
  [ACTION.noticeCancel]: {
    kind: 'bounced',
    handles: true,
    run: async (ctx, actor, ref) => text(await ctx.deps.service.cancel(actor, ref), (v) => confirm.cancelled(v.email)),
  },
};

/**
 * The buttons on channel notices. Anyone in the channel sees them; only admins may act (checked now,
 * and again by the service). After the action the notice line is rewritten in place with chat.update,
 * so the channel sees it was handled; a second click is refused as already handled.
 */
export function registerNoticeButtons(app: App, ctx: SlackContext): void {
  for (const [actionId, click] of Object.entries(CLICKS)) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, client, respond }) => {
      await ack();
      const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
      await safely(ctx, 'notice button', tell, () =>
        onClick(ctx, click, { body, client, tell }, decodeNoticeRef(action.value)),
      );
    });
  }
}

async function onClick(
  ctx: SlackContext,
  click: Click,
  args: { body: BlockAction; client: WebClient; tell: (text: string) => ReturnType<RespondFn> },
  ref: NoticeRef | null,
): Promise<void> {
  const { body, client, tell } = args;
  const actor = await ctx.adminActor(client, body.user.id);
  if (!actor) return void (await tell(slackErrorText({ code: 'not_admin' })));
  if (!ref)
    return void (await tell(
      slackErrorText({ code: 'invalid_input', detail: 'That button is out of date. Use /users list.' }),
    ));
  const { notices } = ctx.deps;
  const before = await notices.noticeOf(ref.invitationId, click.kind);
  if (before?.handled) return void (await tell(alreadyHandled(before.handled)));
  const r = await click.run(ctx, actor, ref);
  if (!r.ok) {
    await tell(
      HANDLED.has(r.error.code)
        ? `:information_source: Already handled: the invitation to ${userText(r.error.email ?? 'this user', 254)} changed since this notice was posted ` +
            '(a new invitation was sent, or it was accepted, declined or cancelled). See `/users list`.'
        : slackErrorText(r.error),
    );
    return;
  }
  if (click.handles) {
    await notices.markHandled(ref.invitationId, click.kind, body.user.id);
    if (before?.postId) await redrawNotice(ctx, client, before.postId);
  }
  await tell(r.value);
}

function alreadyHandled(handled: { by: string; at: Date }): string {
  const who = /^[UW][A-Z0-9]{1,20}$/.test(handled.by) ? `<@${handled.by}>` : userText(handled.by, 40);
  return `:information_source: Already handled by ${who} at ${slackDate(handled.at)}.`;
}

/** Rewrites the whole notice from the database: every line says what became of it. */
async function redrawNotice(ctx: SlackContext, client: WebClient, postId: string): Promise<void> {
  const post = await ctx.deps.notices.post(postId);
  if (!post?.ts || !post.postedChannel) return;
  const message = noticeMessage(post, { accountName: ctx.deps.config.accountName, now: ctx.deps.clock() });
  if (!message) return;
  try {
    await client.chat.update({ channel: post.postedChannel, ts: post.ts, text: message.text, blocks: message.blocks });
  } catch (err) {
    // The action itself succeeded; a notice that could not be redrawn is only cosmetic.
    ctx.deps.log.warn({ postId, err }, 'could not update a channel notice');
  }
}
