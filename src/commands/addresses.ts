import { parseCsv, restoreCell, toCsv } from '../text/csv.js';
import { checkAddress } from '../text/email.js';
import { cleanName, type Found, findAddresses } from './address-text.js';
import type { Invitee, Rejected, Role } from './types.js';

/**
 * THE forgiving address parser, for `/users invite`, the invite form and the CLI's `--file`: free
 * text (see findAddresses) or CSV whose header names `email` and optionally `name` and `role`, in
 * any column order. Every address gets its own outcome; valid ones go through whatever else fails.
 */
export const MAX_INVITE_EMAILS = 1000;
const MAX_INPUT = 100;
export const DUPLICATE = 'duplicate in this list';
export const TOO_MANY = `more than ${MAX_INVITE_EMAILS} addresses in one request: this one and any after it were not read`;

/** Cut to `max` code points, marked with "…", so an echo never splits an emoji's surrogate pair. */
export function shorten(text: string, max = MAX_INPUT): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** One line for a person: `"bob@" is not a valid email address.` / `"x@y.z": duplicate in this list.` */
export function describeRejected(r: Rejected, echo = (input: string) => `"${input}"`): string {
  const input = echo(r.input);
  return /^(not|a|an) /.test(r.reason) ? `${input} is ${r.reason}.` : `${input}: ${r.reason}.`;
}

/** True when the list was cut at {@link MAX_INVITE_EMAILS}: refuse it whole and say so. */
export const exceedsLimit = (parsed: { rejected: readonly Rejected[] }): boolean =>
  parsed.rejected.some((r) => r.reason === TOO_MANY);
/** What the admin is told instead: half a list invited is worse than none (who was left out?). */
export const TOO_MANY_TEXT = `Too many email addresses; invite at most ${MAX_INVITE_EMAILS} at a time.`;

export interface ParsedAddresses {
  people: Invitee[];
  rejected: Rejected[];
}

/**
 * Two lists read separately (addresses typed, then a file's) as one request: a person in both is a
 * duplicate, and the limit counts them together.
 */
export function mergeAddresses(first: ParsedAddresses, second: ParsedAddresses): ParsedAddresses {
  const seen = new Set(first.people.map((p) => p.email));
  const people = [...first.people];
  const rejected = [...first.rejected];
  for (const p of second.people) {
    if (seen.has(p.email)) rejected.push({ input: p.display, reason: DUPLICATE });
    else if (people.length >= MAX_INVITE_EMAILS) {
      rejected.push({ input: p.display, reason: TOO_MANY });
      break;
    } else {
      seen.add(p.email);
      people.push(p);
    }
  }
  return { people, rejected: [...rejected, ...second.rejected] };
}

class Outcomes {
  readonly people: Invitee[] = [];
  readonly rejected: Rejected[] = [];
  private readonly seen = new Set<string>();

  reject(input: string, reason: string): void {
    this.rejected.push({ input: shorten(input.replace(/\s+/g, ' ').trim()), reason });
  }

  /** False once the limit is reached: the caller stops reading. */
  add(found: Found, role: Role | null): boolean {
    if (found.reason) {
      this.reject(found.input, found.reason);
      return true;
    }
    const checked = checkAddress(found.address);
    if (!checked.ok) this.reject(found.input, checked.reason);
    // The first spelling wins; later ones are named so the admin sees nothing was lost.
    else if (this.seen.has(checked.email)) this.reject(found.input, DUPLICATE);
    else if (this.people.length >= MAX_INVITE_EMAILS) {
      this.reject(found.input, TOO_MANY);
      return false;
    } else {
      this.seen.add(checked.email);
      this.people.push({ email: checked.email, display: checked.display, name: found.name, role });
    }
    return true;
  }
}

const EMAIL_HEADERS = new Set(['email', 'e-mail', 'email address', 'e-mail address']);
const header = (cell: string) =>
  cell
    .replace(/^\ufeff/, '')
    .trim()
    .toLowerCase();

interface Table {
  rows: string[][];
  email: number;
  name: number;
  role: number;
  delimiter: string;
}

/**
 * CSV when the first non-blank line is a header naming an email column (comma, semicolon or tab
 * separated, as spreadsheets save it) and holding no address itself: "email, a@x.com" is a list.
 */
function asTable(text: string): Table | null {
  const first = /^\s*([^\r\n]*)/.exec(text.replace(/^\ufeff/, ''))?.[1] ?? '';
  if (!/e-?mail/i.test(first) || first.includes('@')) return null;
  for (const delimiter of [',', ';', '\t']) {
    const cells = (parseCsv(first, delimiter)[0] ?? []).map(header);
    const email = cells.findIndex((c) => EMAIL_HEADERS.has(c));
    if (email === -1) continue;
    const rows = parseCsv(text.replace(/^\ufeff/, ''), delimiter);
    const start = rows.findIndex((r) => r.some((c) => c.trim() !== ''));
    return {
      rows: rows.slice(start + 1),
      email,
      name: cells.indexOf('name'),
      role: cells.indexOf('role'),
      delimiter,
    };
  }
  return null;
}

function readRole(raw: string): Role | null | undefined {
  const role = raw.trim().toLowerCase();
  return role === '' ? null : role === 'admin' || role === 'member' ? role : undefined;
}

function fromTable(table: Table, out: Outcomes): void {
  const cell = (row: string[], i: number) => (i < 0 ? '' : restoreCell(row[i] ?? ''));
  for (const row of table.rows) {
    if (row.every((c) => c.trim() === '')) continue;
    const raw = cell(row, table.email).trim();
    const found = [...findAddresses(raw)];
    if (found.length !== 1) {
      out.reject(
        raw || row.join(table.delimiter),
        raw ? 'give one email address per row' : 'no email address in this row',
      );
      continue;
    }
    const role = readRole(cell(row, table.role));
    if (role === undefined) {
      out.reject(raw, `unknown role "${shorten(cell(row, table.role).trim(), 20)}": use admin or member`);
      continue;
    }
    const one = found[0] as Found;
    if (!out.add({ ...one, name: cleanName(cell(row, table.name)) ?? one.name }, role)) return;
  }
}

/** Every address in `text` (free text or CSV), each accepted or rejected with its reason. */
export function parseAddresses(text: string): ParsedAddresses {
  const out = new Outcomes();
  const table = asTable(text);
  if (table) fromTable(table, out);
  else for (const found of findAddresses(text)) if (!out.add(found, null)) break;
  return { people: out.people, rejected: out.rejected };
}

// Backslash-escaped so a name with quotes (straight or curly) reads back the same.
const quoteName = (name: string) => `"${name.replace(/["\\\u201c\u201d]/g, '\\$&')}"`;

/**
 * The inverse of {@link parseAddresses}: one `"Name" <address>` per line, or CSV with a header
 * when any person has a role of their own (the only form that can carry one).
 */
export function formatAddresses(people: readonly Invitee[]): string {
  if (people.every((p) => p.role === null)) {
    return people.map((p) => (p.name ? `${quoteName(p.name)} <${p.display}>` : p.display)).join('\n');
  }
  return toCsv([['email', 'name', 'role'], ...people.map((p) => [p.display, p.name ?? '', p.role ?? ''])]);
}
