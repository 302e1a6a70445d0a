import { stripUnsafe } from '../text/names.js';
import { describeRejected } from './addresses.js';
import type { Command, ParseResult, Rejected } from './types.js';
import { USAGE } from './usage.js';

// Keeps error messages one short line whatever the user pasted.
const MAX_ECHO = 60;

/** The user's input, quoted for an error: one line, no control or bidi characters, ≤ `max` characters. */
export function quote(input: string, max = MAX_ECHO): string {
  const chars = Array.from(stripUnsafe(input.replace(/\s+/g, ' ')));
  const shown = chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
  return `"${shown}"`;
}

export const ok = (command: Command): ParseResult => ({ ok: true, command });

export const fail = (error: string): ParseResult => ({ ok: false, error, usage: USAGE });

/** A refused address as a grammar error: the same sentence as the per-address outcome, echo kept short. */
export const failRejected = (r: Rejected): ParseResult => fail(describeRejected(r, quote));
