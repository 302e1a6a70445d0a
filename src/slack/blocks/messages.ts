import { type Rejected, USAGE } from '../../commands/index.js';
import type { HistoryEntry } from '../../invitations/invitation.js';
import { type InviteOutcome, queuedEmails, queuedText } from '../../invitations/service.js';
import { slackErrorText } from '../errors.js';
import { CALLBACK } from '../ids.js';
import { emailText, escapeMrkdwn, slackDate, userText } from '../mrkdwn.js';
import { fitText, joinLines, LIMITS } from './limits.js';
import { type KnownBlock, mrkdwn, plain, type View } from './types.js';

const SECTION_MAX = LIMITS.sectionText;
/** One result line of a batch: already escaped words, bounded so a section holds several. */
const LINE_MAX = 1000;

/** A short error plus the usage, never a stack trace. `error` is the grammar's plain text. */
export function usageText(error: string | null): string {
  const usage = `\`\`\`${escapeMrkdwn(USAGE)}\`\`\``;
  return error
    ? `:warning: ${escapeMrkdwn(error)}\n${usage}`
    : `Manage the users of this Marketplace account:\n${usage}`;
}

function historyLine(e: HistoryEntry): string {
  const outcome = e.outcome === 'ok' ? '' : ` — refused (${userText(e.outcome, 100)})`;
  return `• ${slackDate(e.at)} — ${userText(e.action, 40)} by ${userText(e.actor, 120)}${outcome}`;
}

/** History as mrkdwn lines, newest last, cut to fit one section. */
export function historyText(email: string, entries: HistoryEntry[]): string {
  const head = `*History of ${emailText(email)}*`;
  if (entries.length === 0) return `${head}\nNothing recorded yet.`;
  // Keep the newest entries when the whole trail does not fit.
  const trail = joinLines(
    entries.map(historyLine),
    SECTION_MAX - head.length - 1,
    (n) => `• … ${n} older entries omitted`,
    'last',
  );
  return `${head}\n${trail}`;
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
    // The shared wording may quote user input at any length: the only line cut after escaping.
    ...outcomes.flatMap((o) => (o.result.ok ? [] : [fitText(slackErrorText(o.result.error), LINE_MAX)])),
    ...rejected.map((r) => `:warning: ${userText(r.input, 300)} — ${userText(r.reason, 600)}`),
    ...outcomes.flatMap((o) =>
      o.result.ok
        ? [
            `:white_check_mark: ${emailText(o.email)} — invited, expires ${slackDate(o.result.value.expiresAt)}` +
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
  // Every line is bounded (≤ LINE_MAX), so whole lines are packed into sections; none is cut here.
  for (const line of lines) {
    if (chunk.length + line.length + 1 > SECTION_MAX) {
      blocks.push({ type: 'section', text: mrkdwn(chunk) });
      chunk = '';
      if (blocks.length >= 45) {
        blocks.push({ type: 'context', elements: [mrkdwn('… more results omitted; see /users list.')] });
        return { text, blocks };
      }
    }
    chunk = chunk ? `${chunk}\n${line}` : line;
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
