import { Models, type ServerClient } from 'postmark';
import type { AcceptedMessage } from './mailer.js';

/** The Metadata key a message's send attempt travels under (next to `invitationId`). */
export const ATTEMPT_KEY = 'sendAttempt';
/** Postmark's largest page; a batch (at most 500 messages) fits in one. */
const PAGE = 500;
/** Postmark refuses a search whose count + offset exceeds 10,000. */
const SEARCH_WINDOW = 10_000;
/**
 * Asked one by one rather than trusting the default: a message Postmark accepted a moment ago may
 * still be queued, and it counts as accepted all the same. "sent" and "processed" are one status.
 */
const STATUSES = [Models.OutboundMessageStatus.Queued, Models.OutboundMessageStatus.Sent];

/**
 * The messages Postmark accepted under each attempt, found with the outbound message search
 * (`GET /messages/outbound?metadata_sendAttempt=…`; Postmark filters on one metadata field per search).
 * Errors are thrown: "could not ask" must never read as "not accepted".
 */
export async function findAcceptedByAttempt(
  client: ServerClient,
  messageStream: string,
  sendAttempts: readonly string[],
): Promise<AcceptedMessage[]> {
  const found = new Map<string, AcceptedMessage>();
  for (const attempt of sendAttempts) {
    for (const status of STATUSES) {
      for (let offset = 0; offset + PAGE <= SEARCH_WINDOW; offset += PAGE) {
        const page = await client.getOutboundMessages({
          count: PAGE,
          offset,
          status,
          messageStream,
          [`metadata_${ATTEMPT_KEY}`]: attempt,
        });
        for (const m of page.Messages ?? []) {
          const meta = m.Metadata ?? {};
          // Checked again here: only an exact match on our own keys proves which invitation it was.
          if (meta[ATTEMPT_KEY] === attempt && typeof meta.invitationId === 'string' && m.MessageID) {
            found.set(m.MessageID, { sendAttempt: attempt, invitationId: meta.invitationId, messageId: m.MessageID });
          }
        }
        if (offset + PAGE >= Number(page.TotalCount ?? 0)) break;
      }
    }
  }
  return [...found.values()];
}
