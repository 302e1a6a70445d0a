import type { ListFilter, OpenInvitation, UserView } from '../invitations/invitation.js';
import { toCsv } from '../text/csv.js';

/**
 * The columns of `/users export` and `npm run cli -- export`. `email`, `name` and `role` are the
 * header names the address parser reads (src/commands/addresses.ts), so an export can be invited
 * again as it is; the other columns are for people and are ignored on the way back in.
 */
export const EXPORT_COLUMNS = [
  'email',
  'name',
  'role',
  'status',
  'invited by',
  'invited at',
  'expires at',
  'joined at',
  'email delivery',
] as const;

const iso = (d: Date | null | undefined): string => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '');

/** The delivery as words a filter can use: `delivered`, `bounced: mailbox full`, `sent · Slack DM sent`. */
function delivery(d: OpenInvitation['delivery']): string {
  const email = d.detail ? `${d.state}: ${d.detail}` : d.state;
  return d.dm === 'sent' ? `${email} · Slack DM sent` : email;
}

/**
 * The CSV of an export: RFC 4180, one row per user (erased people have no address and are left
 * out), every cell neutralized so a spreadsheet never runs it as a formula (src/text/csv.ts).
 * Status is the machine word (`expired`, `active`…) so a filter can be applied to it.
 */
export function exportCsv(users: readonly UserView[]): string {
  const rows = users.flatMap((u) => {
    if (!u.email) return [];
    const inv = u.invitation;
    return [
      [
        u.email,
        u.name ?? '',
        u.role,
        u.status,
        inv?.inviter?.email ?? '',
        iso(inv?.sentAt),
        iso(inv?.expiresAt),
        iso(u.joinedAt),
        inv ? delivery(inv.delivery) : '',
      ],
    ];
  });
  return toCsv([[...EXPORT_COLUMNS], ...rows]);
}

/** `users-expired-2026-12-07.csv`. */
export const exportFileName = (filter: ListFilter | null, asOf: Date): string =>
  `users-${filter ?? 'all'}-${asOf.toISOString().slice(0, 10)}.csv`;
