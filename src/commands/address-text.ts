import { NOT_AN_ADDRESS } from '../text/email.js';
import { markupReason, markupText, readMarkup } from './slack-text.js';

/**
 * One address as found in pasted text, before validation: the address as typed, the display name
 * that came with it, and what to echo if it is refused. `reason` is set when it is refused already
 * (a mention, a stray quoted name).
 */
export interface Found {
  address: string;
  name: string | null;
  input: string;
  reason?: string;
}

type Piece = { kind: 'word' | 'quoted' | 'angle'; text: string; raw: string } | { kind: 'sep' };

// Straight and typographic double quotes: Slack on macOS turns typed quotes into curly ones.
const OPEN_QUOTES = '"\u201c\u201d\u201e';
const CLOSE_QUOTES = '"\u201c\u201d';
const SEPARATORS = ',;\n\r';
const WORD_END = /[\s,;<"\u201c\u201d\u201e]/;

/** Collapses whitespace; empty becomes null. Names keep their case and punctuation. */
export function cleanName(raw: string | null | undefined): string | null {
  const name = (raw ?? '').replace(/\s+/g, ' ').trim();
  return name === '' ? null : name;
}

function readQuoted(text: string, start: number): { text: string; end: number } {
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length) {
      out += text[i + 1];
      i += 2;
    } else if (CLOSE_QUOTES.includes(c)) {
      return { text: out, end: i + 1 };
    } else {
      out += c;
      i++;
    }
  }
  return { text: out, end: i };
}

function* pieces(text: string): Generator<Piece> {
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (SEPARATORS.includes(c)) {
      yield { kind: 'sep' };
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (OPEN_QUOTES.includes(c)) {
      const q = readQuoted(text, i);
      yield { kind: 'quoted', text: q.text, raw: text.slice(i, q.end) };
      i = q.end;
    } else if (c === '<' && text.indexOf('>', i) !== -1) {
      const end = text.indexOf('>', i) + 1;
      yield { kind: 'angle', text: text.slice(i + 1, end - 1), raw: text.slice(i, end) };
      i = end;
    } else {
      let end = i + 1;
      while (end < text.length && !WORD_END.test(text[end] as string)) end++;
      yield { kind: 'word', text: text.slice(i, end), raw: text.slice(i, end) };
      i = end;
    }
  }
}

// "mailto:a@b.c", "mailto:a@b.c?subject=x" and a label form "mailto:a@b.c|a@b.c" all mean a@b.c.
function unmailto(s: string): string {
  if (!/^mailto:/i.test(s)) return s;
  const [href = '', label] = s.replace(/^mailto:/i, '').split('|');
  return (label?.includes('@') ? label : href.replace(/\?.*$/, '')).trim();
}

function word(text: string, name: string | null, input: string): Found {
  const markup = readMarkup(text);
  if (markup) return { address: text, name, input: markupText(markup), reason: markupReason(markup) };
  // "@ann" is a person typed as a mention (the manifest's escaping off, or a stray paste).
  if (/^@[^@]*$/.test(text)) {
    return { address: text, name, input, reason: markupReason({ kind: 'user', id: '', name: text.slice(1) }) };
  }
  return { address: unmailto(text), name, input: unmailto(text) || input };
}

function angle(raw: string, inner: string, name: string | null): Found {
  const markup = readMarkup(raw);
  if (markup) return { address: raw, name, input: markupText(markup), reason: markupReason(markup) };
  const address = unmailto(inner.trim());
  return { address, name, input: address || raw };
}

const isNamePart = (p: Piece) => p.kind === 'quoted' || (p.kind === 'word' && !p.text.includes('@'));

/**
 * Every address in free text, in order: bare addresses, `Name <addr>`, `"Last, First" <addr>`,
 * `"Name" addr`, `<mailto:…>`, separated by commas, semicolons, spaces or new lines in any mix.
 * Words before an `<addr>` are its display name; other words stand alone, so `a@x.com nope b@x.com`
 * gives three outcomes, not a name "nope".
 */
export function* findAddresses(text: string): Generator<Found> {
  let pending: Piece[] = [];
  function* flush(): Generator<Found> {
    const list = pending;
    pending = [];
    for (let i = 0; i < list.length; i++) {
      const p = list[i] as Piece;
      if (p.kind === 'sep' || p.kind === 'angle') continue;
      if (p.kind === 'word') {
        yield word(p.text, null, p.raw);
        continue;
      }
      const next = list[i + 1];
      if (next?.kind === 'word' && next.text.includes('@')) {
        yield word(next.text, cleanName(p.text), next.raw);
        i++;
      } else {
        yield { address: p.text, name: null, input: p.raw, reason: NOT_AN_ADDRESS };
      }
    }
  }
  for (const piece of pieces(text)) {
    if (piece.kind === 'sep') {
      yield* flush();
    } else if (piece.kind === 'angle') {
      let k = pending.length;
      while (k > 0 && isNamePart(pending[k - 1] as Piece)) k--;
      const nameParts = pending.slice(k) as Extract<Piece, { text: string }>[];
      pending = pending.slice(0, k);
      yield* flush();
      const name = cleanName(nameParts.map((p) => p.text).join(' '));
      yield angle(piece.raw, piece.text, name);
    } else {
      pending.push(piece);
    }
  }
  yield* flush();
}
