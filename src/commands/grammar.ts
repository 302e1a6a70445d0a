import { type NotifyTarget, parseChannel } from './channel.js';
import { normalizeEmail, unwrapMailto } from './email.js';
import { USAGE } from './usage.js';

// INTERIM shape (the grammar owner's version replaces this file): the agreed command types.
export const LIST_FILTERS = [
  'invited',
  'expired',
  'active',
  'blocked',
  'disabled',
  'declined',
  'cancelled',
  'deleted',
  'all',
] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];
export type Role = 'admin' | 'member';
export interface Invitee {
  email: string;
  display: string;
  name: string | null;
  role: Role | null;
}
export interface Rejected {
  input: string;
  reason: string;
}
export type EmailCommandKind = 'link' | 'resend' | 'cancel' | 'history' | 'block' | 'unblock' | 'remove' | 'erase';
export type Command =
  | { kind: 'list'; filter: ListFilter | null; page: number }
  | { kind: 'find'; text: string; page: number }
  | { kind: 'show'; email: string }
  | { kind: 'invite'; people: Invitee[]; rejected: Rejected[]; role: Role; file: string | null }
  | { kind: EmailCommandKind; email: string }
  | { kind: 'renew'; email: string }
  | { kind: 'renew'; allExpired: true }
  | { kind: 'role'; email: string; role: Role }
  | { kind: 'export'; filter: ListFilter | null }
  | { kind: 'notify'; channel: NotifyTarget }
  | { kind: 'help' };
export type ParseResult = { ok: true; command: Command } | { ok: false; error: string; usage: string };

export const MAX_PAGE = 100_000;
export const MAX_INVITE_EMAILS = 1000;

const FILTERS: readonly ListFilter[] = LIST_FILTERS;
// Maps rather than object literals so "constructor" or "__proto__" can't match.
const EMAIL_COMMANDS = new Map<string, EmailCommandKind>([
  ['link', 'link'],
  ['resend', 'resend'],
  ['cancel', 'cancel'],
  ['history', 'history'],
  ['block', 'block'],
  ['unblock', 'unblock'],
  ['remove', 'remove'],
  ['erase', 'erase'],
]);
const HELP_WORDS = new Set(['help', '-h', '--help']);

// Keeps error messages one short line whatever the user pasted.
const MAX_ECHO = 60;
const UNSAFE_CHARS = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

function quote(input: string): string {
  const chars = Array.from(input.replace(/\s+/g, ' ').replace(UNSAFE_CHARS, ''));
  const shown = chars.length > MAX_ECHO ? `${chars.slice(0, MAX_ECHO).join('')}…` : chars.join('');
  return `"${shown}"`;
}

function ok(command: Command): ParseResult {
  return { ok: true, command };
}

function fail(error: string): ParseResult {
  return { ok: false, error, usage: USAGE };
}

// Slack on macOS/iOS "smart punctuation" turns a typed -- into an em or en dash.
function fixDashes(token: string): string {
  return token.replace(/^[\u2013\u2014]/, '--');
}

// An address can legally start with "-", so only @-less dash tokens are options.
function isOption(token: string): boolean {
  return token.startsWith('-') && !token.includes('@');
}

// Emails may be separated by commas/semicolons as well as whitespace, which
// is what people paste from spreadsheets and mail clients.
function splitList(args: string[]): string[] {
  return args.flatMap((arg) => arg.split(/[,;]+/)).filter((t) => t !== '');
}

function invalidEmail(token: string): ParseResult {
  return fail(`${quote(unwrapMailto(token))} is not a valid email address.`);
}

function parseList(args: string[]): ParseResult {
  let filter: ListFilter | null = null;
  let page: number | null = null;
  for (const arg of args) {
    const word = arg.toLowerCase();
    const asFilter = FILTERS.find((f) => f === word);
    if (asFilter) {
      if (filter !== null) return fail('Give at most one filter: invited, expired or active.');
      filter = asFilter;
    } else if (/^[+-]?[\d.,]*\d[\d.,]*$/.test(arg)) {
      if (page !== null) return fail('Give at most one page number.');
      const n = /^\d+$/.test(arg) ? Number(arg) : NaN;
      if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) {
        return fail(`${quote(arg)} is not a valid page; use a whole number from 1 to ${MAX_PAGE}.`);
      }
      page = n;
    } else {
      return fail(`Unknown list filter ${quote(arg)}; use invited, expired or active.`);
    }
  }
  return ok({ kind: 'list', filter, page: page ?? 1 });
}

function parseRoleValue(value: string): Role | null {
  const role = value.toLowerCase();
  return role === 'admin' || role === 'member' ? role : null;
}

function parseInvite(args: string[]): ParseResult {
  const tokens = splitList(args);
  let role: Role | null = null;
  const seen = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    if (isOption(token)) {
      const flag = token.toLowerCase();
      let value: string | undefined;
      if (flag === '--admin') value = 'admin';
      else if (flag === '--role') value = tokens[++i];
      else if (flag.startsWith('--role=')) value = token.slice('--role='.length);
      else return fail(`Unknown option ${quote(token)} for invite.`);
      if (value === undefined || value === '') return fail('--role needs a value: admin or member.');
      const next = parseRoleValue(value);
      if (next === null) return fail(`Unknown role ${quote(value)}; use admin or member.`);
      if (role !== null && role !== next) return fail('Pick one role: either admin or member, not both.');
      role = next;
      continue;
    }
    const email = normalizeEmail(token);
    if (email === null) return invalidEmail(token);
    seen.add(email);
    // Stop as soon as the limit is crossed so huge pastes cost bounded work.
    if (seen.size > MAX_INVITE_EMAILS) {
      return fail(`Too many email addresses; invite at most ${MAX_INVITE_EMAILS} at a time.`);
    }
  }
  // Set iteration order is insertion order, so the first spelling wins.
  return ok({
    kind: 'invite',
    people: [...seen].map((email) => ({ email, display: email, name: null, role: null })),
    rejected: [],
    role: role ?? 'member',
    file: null,
  });
}

function parseSingleEmail(name: string, kind: EmailCommandKind, args: string[]): ParseResult {
  const tokens = splitList(args);
  const option = tokens.find(isOption);
  if (option !== undefined) return fail(`Unknown option ${quote(option)} for ${name}.`);
  const [token, ...extra] = tokens;
  if (token === undefined) return fail(`${name} needs an email address.`);
  if (extra.length > 0) return fail(`${name} takes exactly one email address.`);
  const email = normalizeEmail(token);
  return email === null ? invalidEmail(token) : ok({ kind, email });
}

function parseNotify(args: string[]): ParseResult {
  const [arg, ...extra] = args;
  if (arg === undefined) return fail('notify needs a channel (pick it from Slack\'s autocomplete) or "off".');
  if (extra.length > 0) return fail('notify takes a single channel or "off".');
  const parsed = parseChannel(arg);
  if (parsed.ok) return ok({ kind: 'notify', channel: parsed.target });
  if (parsed.reason === 'no-id') {
    return fail(
      `${quote(arg)} has no channel ID: pick the channel from Slack's autocomplete (or give its ID, like C0123ABCD).`,
    );
  }
  return fail(`${quote(arg)} is not a channel; use #channel from Slack's autocomplete, a channel ID, or "off".`);
}

/** Parses the text after `/users` (or the CLI's argv joined by spaces). Never throws. */
export function parseCommand(text: string): ParseResult {
  const tokens = text
    .split(/\s+/)
    .filter((t) => t !== '')
    .map(fixDashes);
  const [first, ...args] = tokens;
  if (first === undefined) return ok({ kind: 'list', filter: null, page: 1 });
  const name = first.toLowerCase();

  if (HELP_WORDS.has(name)) {
    return args.length === 0 ? ok({ kind: 'help' }) : fail(`${name} takes no arguments.`);
  }
  if (name === 'list') return parseList(args);
  if (name === 'invite') return parseInvite(args);
  if (name === 'notify') return parseNotify(args);
  if (name === 'find')
    return args.length
      ? ok({ kind: 'find', text: args.join(' ').slice(0, 100), page: 1 })
      : fail('find needs some text.');
  if (name === 'renew' || name === 'new') {
    if (args.length === 1 && args[0] === '--all-expired') return ok({ kind: 'renew', allExpired: true });
    const one = parseSingleEmail(name, 'link', args);
    return one.ok && 'email' in one.command ? ok({ kind: 'renew', email: one.command.email }) : one;
  }
  if (name === 'role') {
    const role = args.length === 2 ? parseRoleValue(args[1] ?? '') : null;
    const email = normalizeEmail(args[0] ?? '');
    return role && email ? ok({ kind: 'role', email, role }) : fail('Use: role EMAIL admin|member');
  }
  if (name === 'export') return ok({ kind: 'export', filter: null });
  if (args.length === 0 && normalizeEmail(first)) return ok({ kind: 'show', email: normalizeEmail(first) as string });
  const emailKind = EMAIL_COMMANDS.get(name);
  if (emailKind !== undefined) return parseSingleEmail(name, emailKind, args);
  return fail(`Unknown subcommand ${quote(first)}.`);
}

/** INTERIM (replaced by the forgiving address parser): every token its own outcome. */
export function parseAddresses(text: string): { people: Invitee[]; rejected: Rejected[] } {
  const people: Invitee[] = [];
  const rejected: Rejected[] = [];
  const seen = new Set<string>();
  for (const token of text.split(/[\s,;]+/).filter(Boolean)) {
    const email = normalizeEmail(token);
    if (!email) rejected.push({ input: token.slice(0, 100), reason: 'not a valid email address' });
    else if (seen.has(email)) rejected.push({ input: token.slice(0, 100), reason: 'duplicate in this list' });
    else {
      seen.add(email);
      people.push({ email, display: email, name: null, role: null });
    }
  }
  return { people, rejected };
}
