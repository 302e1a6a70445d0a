import { queuedEmails, queuedText, type RenewSummary } from '../../invitations/service.js';
import { slackErrorText } from '../errors.js';
import { ACTION, BLOCK } from '../ids.js';
import { emailText, slackDate } from '../mrkdwn.js';
import { joinLines, LIMITS } from './limits.js';
import { type KnownBlock, mrkdwn, plain } from './types.js';

/** "Send new invitation to all N": one button behind Slack's confirm dialog, or word that there is none. */
export function renewAllBlocks(expired: number): { text: string; blocks?: KnownBlock[] } {
  if (expired === 0) return { text: ':information_source: No invitation has expired: there is nothing to renew.' };
  const text = `${expired} invitation${expired === 1 ? ' has' : 's have'} expired.`;
  return {
    text,
    blocks: [
      { type: 'section', block_id: BLOCK.renewAll, text: mrkdwn(`:hourglass: *${text}*`) },
      renewAllActions(expired),
    ],
  };
}

/** The button itself, also under the expiry digest in the notice channel. */
export function renewAllActions(expired: number): KnownBlock {
  return {
    type: 'actions',
    block_id: `${BLOCK.renewAll}:actions`,
    elements: [
      {
        type: 'button',
        action_id: ACTION.renewAll,
        style: 'primary',
        text: plain(`Send new invitation to all ${expired}`),
        value: String(expired),
        confirm: {
          title: plain('Send new invitations?'),
          text: mrkdwn(`Each of the ${expired} expired invitations gets a new link by email; the old links stay dead.`),
          confirm: plain('Send them'),
          deny: plain('Not now'),
        },
      },
    ],
  };
}

/** One summary for the whole run. */
export function renewSummaryText(s: RenewSummary): string {
  const lines = [`:white_check_mark: New invitations sent: ${s.renewed.length}.`];
  if (s.skipped.length) {
    lines.push(`${s.skipped.length} skipped: another admin renewed, cancelled or answered them first.`);
  }
  if (s.stoppedBy) lines.push(`Stopped early. ${slackErrorText(s.stoppedBy)}`);
  const queued = queuedEmails(s.renewed);
  if (queued) lines.push(`:mailbox_with_mail: ${queuedText(queued, slackDate)}`);
  const names = s.renewed.map((v) => `• ${emailText(v.email)}`);
  return joinLines([...lines, ...names], LIMITS.sectionText, (n) => `• …and ${n} more`);
}
