import type { WebClient } from './context.js';

/** How many pages of conversations.list (1,000 channels each) a lookup may read before giving up. */
const MAX_PAGES = 10;

/**
 * A bare `#name` (typed without Slack's autocomplete, so Slack sent no id) resolved to its channel
 * id with conversations.list: public channels, and private ones the app is a member of. Names are
 * unique per workspace; only the id is stored, as names change. Null when there is no such channel
 * the app can see.
 */
export async function channelIdByName(client: WebClient, name: string): Promise<string | null> {
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await client.conversations.list({
      types: 'public_channel,private_channel',
      exclude_archived: true,
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    const found = r.channels?.find((c) => c.name === name || c.name_normalized === name);
    if (found?.id) return found.id;
    cursor = r.response_metadata?.next_cursor || undefined;
    if (!cursor) return null;
  }
  return null;
}
