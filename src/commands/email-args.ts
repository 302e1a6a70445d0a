import { exceedsLimit, parseAddresses, TOO_MANY_TEXT } from './addresses.js';
import { fixDashes, isOption, type Token, tokenize, unquote } from './args.js';
import { fail, failRejected, ok, quote } from './result.js';
import type { EmailCommandKind, ParseResult, Role } from './types.js';

type One = { ok: true; email: string } | { ok: false; result: ParseResult };

/** `text` with the given tokens blanked out, so offsets and line breaks of the rest stay put. */
function without(text: string, cut: readonly Token[]): string {
  let out = text;
  for (const t of cut) out = out.slice(0, t.start) + ' '.repeat(t.end - t.start) + out.slice(t.end);
  return out;
}

const options = (tokens: readonly Token[]) => tokens.map((t) => fixDashes(t.text)).filter(isOption);

/** Exactly one address, in any form the address parser takes (`Ann <a@x.com>`, `<mailto:…>`). */
export function oneEmail(name: string, rest: string): One {
  const option = options(tokenize(rest))[0];
  if (option !== undefined) return { ok: false, result: fail(`Unknown option ${quote(option)} for ${name}.`) };
  const { people, rejected } = parseAddresses(rest);
  const count = people.length + rejected.length;
  if (count === 0) return { ok: false, result: fail(`${name} needs an email address.`) };
  if (count > 1) return { ok: false, result: fail(`${name} takes exactly one email address.`) };
  const [person] = people;
  const [refused] = rejected;
  if (person) return { ok: true, email: person.email };
  return { ok: false, result: refused ? failRejected(refused) : fail(`${name} needs an email address.`) };
}

export function parseEmailCommand(name: string, kind: EmailCommandKind, rest: string): ParseResult {
  const one = oneEmail(name, rest);
  return one.ok ? ok({ kind, email: one.email }) : one.result;
}

const ROLE_WORDS = new Map<string, Role>([
  ['admin', 'admin'],
  ['member', 'member'],
]);

/** `invite ADDRESSES… [--admin | --role admin|member] [--file PATH]`: each address its own outcome. */
export function parseInvite(rest: string): ParseResult {
  const tokens = tokenize(rest);
  let role: Role | null = null;
  let file: string | null = null;
  const cut: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const word = fixDashes(token.text);
    if (!isOption(word)) continue;
    const flag = word.toLowerCase();
    const named = /^--(role|file)(=|$)/.exec(flag);
    let value: string | undefined;
    if (flag === '--admin') value = 'admin';
    else if (named?.[2] === '=') value = word.slice(named[0].length);
    else if (named) {
      const next = tokens[i + 1];
      value = next?.text;
      if (next) cut.push(tokens[++i] as Token);
    } else return fail(`Unknown option ${quote(word)} for invite.`);
    cut.push(token);
    if (named?.[1] === 'file') {
      if (!value) return fail('--file needs a path, like --file people.csv');
      if (file !== null) return fail('Give one --file at a time.');
      file = unquote(value);
      continue;
    }
    if (value === undefined || value === '') return fail('--role needs a value: admin or member.');
    const next = ROLE_WORDS.get(value.toLowerCase());
    if (next === undefined) return fail(`Unknown role ${quote(value)}; use admin or member.`);
    if (role !== null && role !== next) return fail('Pick one role: either admin or member, not both.');
    role = next;
  }
  const parsed = parseAddresses(without(rest, cut));
  // Half a list invited is worse than none: the admin would have to work out who was left.
  if (exceedsLimit(parsed)) return fail(TOO_MANY_TEXT);
  return ok({ kind: 'invite', people: parsed.people, rejected: parsed.rejected, role: role ?? 'member', file });
}

/** `renew EMAIL` or `renew --all-expired` (alias `new`). */
export function parseRenew(name: string, rest: string): ParseResult {
  const tokens = tokenize(rest);
  const all = tokens.find((t) => fixDashes(t.text).toLowerCase() === '--all-expired');
  if (!all) {
    const one = oneEmail(name, rest);
    return one.ok ? ok({ kind: 'renew', email: one.email }) : one.result;
  }
  if (tokens.length > 1) return fail('Give either one email address or --all-expired, not both.');
  return ok({ kind: 'renew', allExpired: true });
}

// A quoted name, a <…> link or mention, or anything with an @ belongs to the address.
const addressLike = (t: Token) => t.text.includes('@') || /^[<"\u201c\u201e]/.test(t.text);

/** `role EMAIL admin|member`, in either order. */
export function parseRole(rest: string): ParseResult {
  const tokens = tokenize(rest);
  const option = options(tokens)[0];
  if (option !== undefined) return fail(`Unknown option ${quote(option)} for role.`);
  const words = tokens.filter((t) => !addressLike(t));
  if (words.length === 0) return fail('role needs an email address and a role: role EMAIL admin|member');
  if (words.length > 1) return fail('role takes one email address and one role: role EMAIL admin|member');
  const roleWord = words[0] as Token;
  const role = ROLE_WORDS.get(roleWord.text.toLowerCase());
  if (role === undefined) return fail(`Unknown role ${quote(roleWord.text)}; use admin or member.`);
  const one = oneEmail('role', without(rest, [roleWord]));
  return one.ok ? ok({ kind: 'role', email: one.email, role }) : one.result;
}
