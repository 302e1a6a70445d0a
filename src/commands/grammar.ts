import { MAX_PAGE } from '../invitations/invitation.js';
import { fixDashes, isOption, type Token, tokenize } from './args.js';
import { parseChannel } from './channel.js';
import { oneEmail, parseEmailCommand, parseInvite, parseRenew, parseRole } from './email-args.js';
import { fail, ok, quote } from './result.js';
import { parseSettings } from './settings.js';
import { markupText, readMarkup, unescapeSlack } from './slack-text.js';
import { type EmailCommandKind, LIST_FILTERS, type ListFilter, type ParseResult } from './types.js';

/** The longest `find` text, in characters. */
export const MAX_FIND = 100;

// Maps rather than object literals so "constructor" or "__proto__" can't match.
const EMAIL_COMMANDS = new Map<string, EmailCommandKind>(
  (['link', 'resend', 'cancel', 'history', 'block', 'unblock', 'remove', 'erase'] as const).map((k) => [k, k]),
);
const FILTERS = new Map<string, ListFilter>([...LIST_FILTERS.map((f) => [f, f] as const), ['canceled', 'cancelled']]);
const FILTER_WORDS = 'use invited, expired, active, blocked, disabled, declined, cancelled, deleted or all.';
const HELP_WORDS = new Set(['help', '-h', '--help']);

function parseList(args: readonly Token[]): ParseResult {
  let filter: ListFilter | null = null;
  let page: number | null = null;
  for (const { text: arg } of args) {
    const asFilter = FILTERS.get(arg.toLowerCase());
    if (asFilter) {
      if (filter !== null) return fail('Give at most one status to list.');
      filter = asFilter;
    } else if (/^[+-]?[\d.,]*\d[\d.,]*$/.test(arg)) {
      if (page !== null) return fail('Give at most one page number.');
      const n = /^\d+$/.test(arg) ? Number(arg) : Number.NaN;
      if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) {
        return fail(`${quote(arg)} is not a valid page; use a whole number from 1 to ${MAX_PAGE}.`);
      }
      page = n;
    } else {
      return fail(`Unknown list filter ${quote(arg, 40)}; ${FILTER_WORDS}`);
    }
  }
  return ok({ kind: 'list', filter, page: page ?? 1 });
}

function parseExport(args: readonly Token[]): ParseResult {
  const option = args.map((t) => fixDashes(t.text)).find(isOption);
  if (option !== undefined) return fail(`Unknown option ${quote(option)} for export.`);
  if (args.length > 1) return fail('export takes at most one status.');
  const [arg] = args;
  if (!arg) return ok({ kind: 'export', filter: null });
  const filter = FILTERS.get(arg.text.toLowerCase());
  return filter ? ok({ kind: 'export', filter }) : fail(`Unknown status ${quote(arg.text, 40)}; ${FILTER_WORDS}`);
}

/**
 * `find TEXT`: free text kept as typed (case, spaces, an id like 123). A channel reads as
 * `#name`; a person mentioned with @ cannot be matched, since the account knows emails, not Slack ids.
 */
function parseFind(rest: string): ParseResult {
  let person: string | null = null;
  const text = rest
    .replace(/<[#@!][^<>]*>/g, (token) => {
      const markup = readMarkup(token);
      if (markup?.kind === 'user') person ??= markupText(markup);
      return markup ? markupText(markup) : token;
    })
    .replace(/\s+/g, ' ')
    .trim();
  if (person !== null) {
    return fail(`${quote(person)} is a Slack mention: find matches email addresses, names and user ids; type one.`);
  }
  if (text === '') return fail('find needs some text: part of an email address or a name, or a user id.');
  const length = Array.from(text).length;
  if (length > MAX_FIND) return fail(`The search text has ${length} characters; use at most ${MAX_FIND}.`);
  return ok({ kind: 'find', text, page: 1 });
}

function parseNotify(args: readonly Token[]): ParseResult {
  const [arg, ...extra] = args;
  if (arg === undefined) return fail('notify needs a channel, like notify #team-invites, or "off".');
  if (extra.length > 0) return fail('notify takes a single channel or "off".');
  const parsed = parseChannel(arg.text);
  if (parsed.ok) return ok({ kind: 'notify', channel: parsed.target });
  return fail(`${quote(arg.text)} is not a channel; use #channel, a channel ID like C0123ABCD, or "off".`);
}

/**
 * Parses the text after `/users` (Slack, escaped as the manifest's `should_escape: true` makes
 * Slack send it) or the CLI's arguments joined by spaces (plain). Never throws.
 */
export function parseCommand(text: string): ParseResult {
  const plain = unescapeSlack(text);
  const [first] = tokenize(plain);
  if (first === undefined) return ok({ kind: 'list', filter: null, page: 1 });
  const rest = plain.slice(first.end);
  const args = tokenize(rest);
  const name = fixDashes(first.text).toLowerCase();

  if (HELP_WORDS.has(name)) return args.length === 0 ? ok({ kind: 'help' }) : fail(`${name} takes no arguments.`);
  if (name === 'list') return parseList(args);
  if (name === 'find') return parseFind(rest);
  if (name === 'invite') return parseInvite(rest);
  if (name === 'renew' || name === 'new') return parseRenew(name, rest);
  if (name === 'role') return parseRole(rest);
  if (name === 'export') return parseExport(args);
  if (name === 'notify') return parseNotify(args);
  if (name === 'settings') return parseSettings(args);
  const emailKind = EMAIL_COMMANDS.get(name);
  if (emailKind !== undefined) return parseEmailCommand(name, emailKind, rest);
  // `/users EMAIL`: an address (or a person mentioned where one was meant) shows that one row.
  if (first.text.includes('@')) {
    if (args.length > 0) return fail('To show one user, give only their email address; to search, use find TEXT.');
    const one = oneEmail('show', first.text);
    return one.ok ? ok({ kind: 'show', email: one.email }) : one.result;
  }
  return fail(`Unknown subcommand ${quote(first.text)}.`);
}
