import { type Rejected, USAGE } from '../../commands/index.js';
import type { HistoryEntry } from '../../invitations/invitation.js';
import { type InviteOutcome, queuedEmails, queuedText } from '../../invitations/service.js';
import { slackErrorText } from '../errors.js';
import { CALLBACK } from '../ids.js';
import { escapeMrkdwn, slackDate, truncate, userText } from '../mrkdwn.js';
import { type KnownBlock, mrkdwn, plain, type View } from './types.js';

const SECTION_MAX = 3000;

/** A short error plus the usage, never a stack trace. `error` is the grammar's plain text. */
export function usageText(error: string | null): string {
  const usage = `\`\`\`${escapeMrkdwn(USAGE)}\`\`\``;
  return error
    ? `:warning: ${escapeMrkdwn(error)}\n${usage}`
    : `Manage the users of this Marketplace account:\n${usage}`;
}

function historyLine(e: HistoryEntry): string {
  const outcome = e.outcome === 'ok' ? '' : ` — refused (${escapeMrkdwn(e.outcome)})`;
  return `• ${slackDate(e.at)} — ${userText(e.action, 40)} by ${userText(e.actor, 120)}${outcome}`;
}

/** History as mrkdwn lines, newest last, cut to fit one section. */
export function historyText(email: string, entries: HistoryEntry[]): string {
  const head = `*History of ${userText(email, 254)}*`;
  if (entries.length === 0) return `${head}\nNothing recorded yet.`;
  const lines: string[] = [];
  let length = head.length;
  // Keep the newest entries when the whole trail does not fit.
  for (const line of entries.map(historyLine).reverse()) {
    if (length + line.length + 1 > SECTION_MAX - 40) {
      lines.push('• … older entries omitted');
      break;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return [head, ...lines.reverse()].join('\n');
}

export function historyModal(email: string, entries: HistoryEntry[]): View {
  return {
    type: 'modal',
    callback_id: CALLBACK.historyModal,
    title: plain('History'),
    close: plain('Close'),
    blocks: [{ type: 'section', text: mrkdwn(historyText(email, entries)) }],
  };
}

/** One line per address; long batches are summarised so the message stays within limits. */
export function inviteSummary(
  outcomes: InviteOutcome[],
  rejected: readonly Rejected[] = [],
): { text: string; blocks: KnownBlock[] } {
  const sent = outcomes.filter((o) => o.result.ok);
  // What was NOT done comes first: a long list is cut at the end, and the admin must see every reason.
  const lines = [
    ...outcomes.flatMap((o) => (o.result.ok ? [] : [slackErrorText(o.result.error)])),
    ...rejected.map((r) => `:warning: ${userText(r.input, 100)} — ${userText(r.reason, 200)}`),
    ...outcomes.flatMap((o) =>
      o.result.ok
        ? [
            `:white_check_mark: ${userText(o.email, 254)} — invited, expires ${slackDate(o.result.value.expiresAt)}` +
              (o.result.value.emailQueuedUntil
                ? `, email queued until ${slackDate(o.result.value.emailQueuedUntil)}`
                : ''),
          ]
        : [],
    ),
  ];
  const text = `Invitations: ${sent.length} sent, ${outcomes.length - sent.length + rejected.length} not sent.`;
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(`*${text}*`) }];
  const queued = queuedEmails(outcomes);
  if (queued) blocks.push({ type: 'section', text: mrkdwn(`:mailbox_with_mail: ${queuedText(queued, slackDate)}`) });
  let chunk = '';
  for (const line of lines) {
    const cut = truncate(line, 600);
    if (chunk.length + cut.length + 1 > SECTION_MAX) {
      blocks.push({ type: 'section', text: mrkdwn(chunk) });
      chunk = '';
      if (blocks.length >= 45) {
        blocks.push({ type: 'context', elements: [mrkdwn('… more results omitted; see /users list.')] });
        return { text, blocks };
      }
    }
    chunk = chunk ? `${chunk}\n${cut}` : cut;
  }
  if (chunk) blocks.push({ type: 'section', text: mrkdwn(chunk) });
  return { text, blocks };
}

/** A modal opened at once (a trigger_id lasts 3 seconds), filled in with views.update when ready. */
export function loadingModal(title: string, text = ':hourglass_flowing_sand: Loading…'): View {
  return {
    type: 'modal',
    title: plain(title),
    close: plain('Close'),
    blocks: [{ type: 'section', text: mrkdwn(text) }],
  };
}
