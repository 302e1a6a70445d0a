import type { BulkReporter } from '../invitations/bulk-requests.js';
import { inviteSummary } from './blocks/messages.js';
import type { WebClient } from './context.js';
import type { Message } from './surfaces.js';

/**
 * Back where the admin asked: the request's response_url (ephemeral), or, when there is none or it
 * no longer works (Slack's expire after 30 minutes), a DM from the app. Throws when neither worked.
 */
export async function tellOrigin(
  client: Pick<WebClient, 'chat'>,
  userId: string | null,
  responseUrl: string | null,
  m: Message,
): Promise<void> {
  if (responseUrl) {
    const res = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...m }),
    }).catch(() => null);
    if (res?.ok) return;
  }
  if (!userId) throw new Error('no way left to reach the admin: response_url failed and no Slack user id');
  await client.chat.postMessage({ channel: userId, text: m.text, ...(m.blocks ? { blocks: m.blocks } : {}) });
}

/** A bulk invite's summary, rendered as the synchronous one was, sent back to its origin. */
export function slackBulkReporter(client: Pick<WebClient, 'chat'>): BulkReporter {
  return {
    report: (r) => tellOrigin(client, r.slackUserId, r.responseUrl, inviteSummary(r.outcomes, r.rejected)),
  };
}
