// The `/users` grammar's vocabulary, shared by Slack, the CLI and the invite form.

export type { Role } from '../invitations/invitation.js';
// The vocabulary is the domain's: one list of statuses and roles for the rules, Slack and the CLI.
export { LIST_FILTERS, type ListFilter, ROLES } from '../invitations/invitation.js';

import type { ListFilter, Role } from '../invitations/invitation.js';
import type { SettingsChange } from '../invitations/settings.js';

export interface Invitee {
  /** Canonical: lowercased, domain in punycode ASCII. */
  email: string;
  /** For humans: the domain in Unicode. */
  display: string;
  name: string | null;
  /** This address's own role; null = the command's default. */
  role: Role | null;
}

export interface Rejected {
  /** What was typed, shortened to 100 characters. */
  input: string;
  /** e.g. 'not a valid email address', 'duplicate in this list', 'Unicode is not allowed before the @'. */
  reason: string;
}

/** A bare `#name` carries no id: the Slack layer resolves it. */
export type NotifyTarget = { id: string; name: string | null } | { name: string } | 'off';

export type EmailCommandKind = 'link' | 'resend' | 'cancel' | 'history' | 'block' | 'unblock' | 'remove' | 'erase';

export type Command =
  | { kind: 'list'; filter: ListFilter | null /* null = all */; page: number }
  | { kind: 'find'; text: string; page: number }
  /** `/users EMAIL`: that one row. */
  | { kind: 'show'; email: string }
  | {
      kind: 'invite';
      people: Invitee[];
      rejected: Rejected[];
      /** The default for people whose role is null. */
      role: Role;
      /** CLI `--file PATH`, read by the CLI. */
      file: string | null;
    }
  | { kind: EmailCommandKind; email: string }
  | { kind: 'renew'; email: string }
  | { kind: 'renew'; allExpired: true }
  | { kind: 'role'; email: string; role: Role }
  | { kind: 'export'; filter: ListFilter | null }
  | { kind: 'notify'; channel: NotifyTarget }
  /** No change: show the account's settings. */
  | { kind: 'settings'; change: SettingsChange }
  | { kind: 'help' };

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string; usage: string };
