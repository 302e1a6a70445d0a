export type NotifyTarget = { id: string; name: string | null } | 'off';
export type ChannelParse = { ok: true; target: NotifyTarget } | { ok: false; reason: 'no-id' | 'not-channel' };

// Public (C) and private/legacy group (G) conversation ids. DMs (D) can't host
// team notices. Ids are 9-11 chars today; the range leaves room for growth.
const ID = '[CG][A-Z0-9]{8,20}';
// What Slack sends when the user picks a channel from autocomplete. Newer
// payloads may omit the name or leave it empty.
const SLACK_CHANNEL_RE = new RegExp(`^<#(${ID})(?:\\|([^>]*))?>$`);
const RAW_ID_RE = new RegExp(`^${ID}$`);

/** Parses the single argument of `notify`. */
export function parseChannel(arg: string): ChannelParse {
  if (arg.toLowerCase() === 'off') return { ok: true, target: 'off' };
  const slack = SLACK_CHANNEL_RE.exec(arg);
  if (slack) {
    const name = (slack[2] ?? '').trim();
    return { ok: true, target: { id: slack[1] ?? '', name: name === '' ? null : name } };
  }
  if (RAW_ID_RE.test(arg)) return { ok: true, target: { id: arg, name: null } };
  // "#general" typed by hand (or not resolved by Slack) carries no id, and names
  // are not stable keys: channels get renamed.
  return { ok: false, reason: arg.startsWith('#') ? 'no-id' : 'not-channel' };
}
