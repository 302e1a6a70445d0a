import { isChannelId } from '../text/ids.js';
import { readMarkup } from './slack-text.js';
import type { NotifyTarget } from './types.js';

export type { NotifyTarget } from './types.js';
export type ChannelParse = { ok: true; target: NotifyTarget } | { ok: false; reason: 'not-channel' };

// Slack's own rule for channel names: lowercase letters, digits, hyphens and underscores, ≤ 80.
const NAME = /^#([\p{Ll}\p{Lo}\p{N}_-]{1,80})$/u;

/** Parses the single argument of `notify`. */
export function parseChannel(arg: string): ChannelParse {
  if (arg.toLowerCase() === 'off') return { ok: true, target: 'off' };
  const markup = readMarkup(arg);
  if (markup?.kind === 'channel' && isChannelId(markup.id)) {
    return { ok: true, target: { id: markup.id, name: markup.name } };
  }
  if (isChannelId(arg)) return { ok: true, target: { id: arg, name: null } };
  // "#team-invites" typed without the autocomplete (or for a channel Slack did not link): the
  // Slack layer looks the name up. Names are not stable keys, so only the id is ever stored.
  const named = NAME.exec(arg.toLowerCase());
  return named ? { ok: true, target: { name: named[1] as string } } : { ok: false, reason: 'not-channel' };
}
