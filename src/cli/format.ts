import { describeDelivery } from '../delivery/summary.js';
import type { HistoryEntry, ListPage, UserView } from '../invitations/invitation.js';
import { STATUS_LABEL } from '../invitations/invitation.js';
import { withoutUnsafe } from '../invitations/names.js';
import { shortUtc } from '../invitations/time.js';

/**
 * Strips control characters so a hostile name cannot move the cursor or clear the terminal, and
 * bidi overrides / line separators so it cannot reorder or split what the table shows. Joiners
 * (U+200C, U+200D) stay: real names and emoji need them.
 */
const clean = withoutUnsafe;

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function expiryText(user: UserView): string {
  const inv = user.invitation;
  if (!inv) return '';
  return `${user.status === 'expired' ? 'expired' : 'expires'} ${shortUtc(inv.expiresAt)}`;
}

export function formatList(page: ListPage, accountName: string, now: Date): string {
  const { counts } = page;
  const head = `${clean(accountName)}: ${counts.invited} invited, ${counts.expired} expired, ${counts.active} active`;
  if (!page.users.length) return `${head}\nNo users match.`;
  const rows = [
    ['EMAIL', 'NAME', 'ROLE', 'STATUS', 'EXPIRY', 'INVITED BY', 'EMAIL DELIVERY'],
    ...page.users.map((u) => [
      clean(u.email),
      clean(u.name ?? ''),
      u.role,
      STATUS_LABEL[u.status],
      expiryText(u),
      clean(u.invitation?.inviter?.email ?? ''),
      u.invitation ? clean(describeDelivery(u.invitation.delivery, now)) : '',
    ]),
  ];
  const paging = page.pageCount > 1 ? `\nPage ${page.page} of ${page.pageCount} (${page.total} users)` : '';
  return `${head}\n\n${table(rows)}${paging}`;
}

export function formatUser(user: UserView): string {
  return `${clean(user.email)}: ${STATUS_LABEL[user.status]}${user.invitation ? `, ${expiryText(user)}` : ''}`;
}

export function formatHistory(email: string, entries: HistoryEntry[]): string {
  if (!entries.length) return `No history for ${clean(email)}.`;
  return (
    `History of ${clean(email)}:\n` +
    table([
      ['WHEN', 'WHO', 'ACTION', 'OUTCOME'],
      ...entries.map((e) => [shortUtc(e.at), clean(e.actor), e.action, e.outcome]),
    ])
  );
}

export { clean as cleanForTerminal };
