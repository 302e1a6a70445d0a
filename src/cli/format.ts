import { describeDelivery } from '../delivery/summary.js';
import type { HistoryEntry, ListPage, UserView } from '../invitations/invitation.js';
import { STATUS_LABEL, STATUSES } from '../invitations/invitation.js';
import { shortUtc } from '../text/dates.js';
import { withoutUnsafe } from '../text/names.js';

/**
 * Strips control characters so a hostile name cannot move the cursor or clear the terminal, and
 * bidi overrides / line separators so it cannot reorder or split what the table shows. Joiners
 * (U+200C, U+200D) stay: real names and emoji need them.
 */
const clean = withoutUnsafe;

export function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The date that matters for the status: expiry for invitations, since when for the rest. */
export function whenText(user: UserView): string {
  const inv = user.invitation;
  if (inv) return `${user.status === 'expired' ? 'expired' : 'expires'} ${shortUtc(inv.expiresAt)}`;
  if (user.status === 'active') return `joined ${shortUtc(user.joinedAt ?? user.since)}`;
  return `since ${shortUtc(user.since)}`;
}

const emailOf = (user: UserView): string => (user.email === null ? `(erased user #${user.id})` : clean(user.email));

export function formatList(page: ListPage, accountName: string): string {
  const { counts } = page;
  const shown = STATUSES.filter((s) => counts[s] > 0 || s === 'invited' || s === 'expired' || s === 'active');
  const head = `${clean(accountName)}: ${shown.map((s) => `${counts[s]} ${s}`).join(', ')}`;
  if (!page.users.length) return `${head}\nNo users match.`;
  const rows = [
    ['ID', 'EMAIL', 'NAME', 'ROLE', 'STATUS', 'WHEN', 'INVITED BY', 'EMAIL DELIVERY'],
    ...page.users.map((u) => [
      u.id,
      emailOf(u),
      clean(u.name ?? ''),
      u.role,
      STATUS_LABEL[u.status],
      whenText(u),
      clean(u.invitation?.inviter?.email ?? ''),
      u.invitation ? clean(describeDelivery(u.invitation.delivery, page.asOf)) : '',
    ]),
  ];
  const paging = page.pageCount > 1 ? `\nPage ${page.page} of ${page.pageCount} (${page.total} users)` : '';
  return `${head}\n\n${table(rows)}${paging}`;
}

export function formatUser(user: UserView): string {
  return `${emailOf(user)}: ${STATUS_LABEL[user.status]}, ${whenText(user)}`;
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
