import type { NoticeLine, NoticePost } from '../../notices/service.js';
import { ACTION, BLOCK, COMMAND } from '../ids.js';
import { emailText, slackDate, userText } from '../mrkdwn.js';
import { fitSentence, LIMITS } from './limits.js';
import { encodeNoticeRef } from './notice-values.js';
import { renewAllActions } from './renew-all.js';
import { type KnownBlock, mrkdwn, plain, type SectionBlock } from './types.js';

/**
 * Channel notices as Block Kit, pure. A digest shows at most MAX_LINES lines with a button each —
 * 1 header + 20 lines + 1 footer = 22 blocks, far under the 50 of a message, and each line's text is
 * bounded (escaped name ≤ 200, email ≤ EMAIL_ROOM) far under the 3000 of a section — however many
 * invitations expired.
 */
export const MAX_LINES = 20;

export interface RenderContext {
  accountName: string;
  now: Date;
}

export interface NoticeMessage {
  text: string;
  blocks: KnownBlock[];
}

const SLACK_USER = /^[UW][A-Z0-9]{1,20}$/;
/** Who handled a line: a Slack user id (a click), or an admin's email (a new invitation sent from the CLI). */
const by = (id: string): string => (SLACK_USER.test(id) ? `<@${id}>` : id.includes('@') ? emailText(id) : 'an admin');
/** Room for a person's name (escaped): an 80-character name always shows whole. */
const NAME_ROOM = 200;
/** Room for the email provider's words about a bounce (escaped; providers send up to thousands). */
const DETAIL_ROOM = 1500;
const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

function who(line: NoticeLine): string {
  const email = emailText(line.invitee.email);
  return line.invitee.name ? `*${userText(line.invitee.name, NAME_ROOM)}*  ${email}` : `*${email}*`;
}

const inviterText = (line: NoticeLine): string =>
  line.inviter ? `invited by ${userText(line.inviter.name ?? line.inviter.email, NAME_ROOM)}` : 'invited by an admin';

/** Which lines a post shows now: a line handled from its button stays (saying so); others only while they can be acted on. */
export function visibleLines(post: Pick<NoticePost, 'kind' | 'lines'>, now: Date): NoticeLine[] {
  return post.lines.filter(
    (l) => l.handled !== null || (l.open && (post.kind !== 'reminder' || l.expiresAt.getTime() > now.getTime())),
  );
}

function digestLine(kind: 'expiry' | 'reminder', line: NoticeLine): SectionBlock {
  const when = kind === 'expiry' ? `expired ${slackDate(line.expiresAt)}` : `expires ${slackDate(line.expiresAt)}`;
  const facts = `${who(line)}\n${inviterText(line)} · ${when}`;
  const section: SectionBlock = {
    type: 'section',
    block_id: `${BLOCK.noticeLinePrefix}${line.invitationId}`,
    text: mrkdwn(facts),
  };
  if (line.handled) {
    const did = kind === 'expiry' ? 'New invitation sent' : 'Invitation resent';
    section.text = mrkdwn(
      `${facts}\n:white_check_mark: ${did} by ${by(line.handled.by)} at ${slackDate(line.handled.at)}`,
    );
    return section;
  }
  const value = encodeNoticeRef({ userId: line.userId, invitationId: line.invitationId });
  section.accessory =
    kind === 'expiry'
      ? { type: 'button', action_id: ACTION.noticeSendNew, style: 'primary', text: plain('Send new invitation'), value }
      : { type: 'button', action_id: ACTION.noticeResend, text: plain('Resend invitation link'), value };
  return section;
}

function digest(kind: 'expiry' | 'reminder', lines: NoticeLine[], ctx: RenderContext): NoticeMessage {
  const account = userText(ctx.accountName, 100);
  const count = plural(lines.length, 'invitation', 'invitations');
  const head =
    kind === 'expiry'
      ? `:hourglass: *${count} to ${account} expired* without being accepted. Admins can send a new invitation from each line.`
      : `:alarm_clock: *${count} to ${account} will expire soon* and ${lines.length === 1 ? 'has' : 'have'} not been accepted yet.`;
  const blocks: KnownBlock[] = [{ type: 'section', block_id: BLOCK.noticeHead, text: mrkdwn(head) }];
  // One click (behind a confirm dialog) instead of one per line, once there is more than one.
  const waiting = lines.filter((l) => l.open && !l.handled).length;
  if (kind === 'expiry' && waiting > 1) blocks.push(renewAllActions(waiting));
  for (const line of lines.slice(0, MAX_LINES)) blocks.push(digestLine(kind, line));
  const more = lines.length - MAX_LINES;
  if (more > 0) {
    const list = kind === 'expiry' ? `${COMMAND} list expired` : `${COMMAND} list invited`;
    blocks.push({ type: 'context', block_id: BLOCK.noticeMore, elements: [mrkdwn(`…and ${more} more — \`${list}\``)] });
  }
  // The notification `text` is mrkdwn too: the account name is escaped here exactly as in the blocks.
  const text = kind === 'expiry' ? `${count} to ${account} expired` : `${count} to ${account} will expire soon`;
  return { text, blocks };
}

function news(line: NoticeLine, ctx: RenderContext, dm: boolean): NoticeMessage {
  const account = userText(ctx.accountName, 100);
  const accepted = line.kind === 'accepted';
  const icon = accepted ? ':tada:' : ':no_entry_sign:';
  const verb = accepted ? 'accepted' : 'declined';
  const body = dm
    ? `${icon} ${who(line)} ${verb} your invitation to ${account}.`
    : `${icon} ${who(line)} ${verb} the invitation to ${account} (${inviterText(line)}).`;
  const text = `${userText(line.invitee.email, 254)} ${verb} ${dm ? 'your' : 'the'} invitation to ${account}`;
  return { text, blocks: [{ type: 'section', block_id: BLOCK.noticeHead, text: mrkdwn(body) }] };
}

/**
 * A hard bounce: what happened in words and the two ways out. The link itself is never in the
 * channel: Copy invitation link tells it only to the admin who clicks.
 */
function bounce(line: NoticeLine): NoticeMessage {
  const email = emailText(line.invitee.email);
  // Provider wording often ends with its own full stop; the sentence adds one.
  const reason = userText(
    (line.deliveryDetail ?? 'the address cannot receive email').replace(/[.\s]+$/, ''),
    DETAIL_ROOM,
  );
  const body = `:warning: The invitation email to *${email}* bounced: ${reason}.`;
  const section: SectionBlock = {
    type: 'section',
    block_id: `${BLOCK.noticeLinePrefix}${line.invitationId}`,
    text: mrkdwn(`${body} Share the link another way or cancel the invitation.`),
  };
  const text = `The invitation email to ${email} bounced`;
  if (line.handled) {
    section.text = mrkdwn(
      `${body}\n:white_check_mark: Invitation cancelled by ${by(line.handled.by)} at ${slackDate(line.handled.at)}`,
    );
    return { text, blocks: [section] };
  }
  const value = encodeNoticeRef({ userId: line.userId, invitationId: line.invitationId });
  return {
    text,
    blocks: [
      section,
      {
        type: 'actions',
        block_id: `${BLOCK.noticeBounceActions}:${line.invitationId}`,
        elements: [
          { type: 'button', action_id: ACTION.noticeCopyLink, text: plain('Copy invitation link'), value },
          {
            type: 'button',
            action_id: ACTION.noticeCancel,
            style: 'danger',
            text: plain('Cancel invitation'),
            value,
            confirm: {
              title: plain('Cancel this invitation?'),
              // 300 characters in all: a long address loses its middle here, and only here.
              text: mrkdwn(
                fitSentence(
                  LIMITS.confirmText,
                  (who) => `The invitation to ${who} will be cancelled and its link will stop working.`,
                  line.invitee.email,
                  { escape: true, elide: 'middle' },
                ),
              ),
              confirm: plain('Cancel invitation'),
              deny: plain('Keep it'),
              style: 'danger',
            },
          },
        ],
      },
    ],
  };
}

/**
 * An invitee asked for a new invitation from the expired page: who, and the button that sends it.
 * Once sent from here the line says by whom; the link never appears (it goes by email).
 */
function asked(line: NoticeLine, ctx: RenderContext, dm: boolean): NoticeMessage {
  const account = userText(ctx.accountName, 100);
  const facts =
    `:raising_hand: ${who(line)} asks for a new invitation to ${account}.\n` +
    `The invitation expired ${slackDate(line.expiresAt)} (${dm ? 'you invited them' : inviterText(line)}).`;
  const section: SectionBlock = {
    type: 'section',
    block_id: `${BLOCK.noticeLinePrefix}${line.invitationId}`,
    text: mrkdwn(facts),
  };
  const text = `${line.invitee.email} asks for a new invitation to ${ctx.accountName}`;
  if (line.handled) {
    section.text = mrkdwn(
      `${facts}\n:white_check_mark: Answered: new invitation sent by ${by(line.handled.by)} at ${slackDate(line.handled.at)}`,
    );
    return { text, blocks: [section] };
  }
  const value = encodeNoticeRef({ userId: line.userId, invitationId: line.invitationId });
  section.accessory = {
    type: 'button',
    action_id: ACTION.noticeAskedSendNew,
    style: 'primary',
    text: plain('Send new invitation'),
    value,
  };
  return { text, blocks: [section] };
}

/** The message for a post as things stand now, or null when nothing is left worth saying. */
export function noticeMessage(post: Pick<NoticePost, 'kind' | 'lines'>, ctx: RenderContext): NoticeMessage | null {
  const request = post.lines.find((l) => l.kind === 'asked');
  // Nothing to ask any more once the invitation was replaced, answered or cancelled elsewhere.
  if (request) return request.handled || request.open ? asked(request, ctx, post.kind === 'dm') : null;
  if (post.kind === 'news') {
    const bounced = post.lines.find((l) => l.kind === 'bounced');
    // Nothing to do once the invitation was answered, replaced or cancelled elsewhere.
    if (bounced) return bounced.handled || bounced.open ? bounce(bounced) : null;
  }
  if (post.kind === 'news' || post.kind === 'dm') {
    const line = post.lines.find((l) => l.kind === 'accepted' || l.kind === 'declined');
    return line ? news(line, ctx, post.kind === 'dm') : null;
  }
  const lines = visibleLines(post, ctx.now);
  return lines.length ? digest(post.kind, lines, ctx) : null;
}

/** Told, once, to the admin who chose the channel when the app cannot post there. */
export function channelProblemText(channel: string, error: string, botUserId: string | null): string {
  const me = botUserId && SLACK_USER.test(botUserId) ? `<@${botUserId}>` : 'this app';
  const why =
    error === 'is_archived'
      ? 'it is archived'
      : error === 'channel_not_found'
        ? 'I cannot find it (it may be private, or deleted)'
        : error === 'not_in_channel'
          ? 'I am not a member of it'
          : `Slack said \`${userText(error, 60)}\``;
  return (
    `:warning: I could not post invitation notices in <#${channel}>: ${why}. ` +
    `Add me by typing /invite ${me} in that channel, or pick another one with \`${COMMAND} notify #channel\` (or \`${COMMAND} notify off\`).`
  );
}
