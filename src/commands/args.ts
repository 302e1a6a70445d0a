/** A word of command text with where it stands, so options can be cut out of the rest. */
export interface Token {
  text: string;
  start: number;
  end: number;
}

const QUOTES = '"\u201c\u201d\u201e';

/**
 * Whitespace-separated words, where a quoted "…" run (straight or curly quotes) and a Slack
 * `<…>` mention never split, even with spaces inside (`<@U1|Ann Lee>`, `"Lee, Ann"`).
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i] as string)) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && !/\s/.test(text[i] as string)) {
      const c = text[i] as string;
      const close = QUOTES.includes(c) ? findClose(text, i + 1) : c === '<' ? text.indexOf('>', i + 1) : -1;
      i = close === -1 ? i + 1 : close + 1;
    }
    tokens.push({ text: text.slice(start, i), start, end: i });
  }
  return tokens;
}

function findClose(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if ('"\u201c\u201d'.includes(text[i] as string)) return i;
  }
  return -1;
}

/** Slack's "smart punctuation" turns a typed -- into an em or en dash. */
export const fixDashes = (word: string): string => word.replace(/^[\u2013\u2014]/, '--');

/** An address may start with "-", so only a dash word without "@" is an option. */
export const isOption = (word: string): boolean => /^--?[A-Za-z]/.test(word) && !word.includes('@');

/** A quoted value ("my file.csv") without its quotes. */
export const unquote = (word: string): string =>
  /^["\u201c\u201e].*["\u201c\u201d]$/s.test(word) && word.length >= 2
    ? word.slice(1, -1).replace(/\\(.)/gs, '$1')
    : word;
