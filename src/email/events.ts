/**
 * What an email provider tells us happened to a message after it accepted it, in the app's terms.
 * Provider-neutral so the delivery rules (src/delivery/events.ts) do not speak Postmark.
 */
export type EmailEventKind =
  /** The receiving server took the message. */
  | 'delivered'
  /** Permanently undeliverable: the address does not exist, is invalid, or is suppressed. */
  | 'bounced'
  /** A temporary problem: worth showing, but the address may still work. */
  | 'soft_bounce'
  /** The recipient marked the message as spam. */
  | 'complained';

export interface EmailEvent {
  /** The provider's record type; with messageId and eventKey it identifies the event for dedupe. */
  recordType: string;
  messageId: string;
  eventKey: string;
  /** From the message's metadata, when it carried one; else the invitation is found by messageId. */
  invitationId: string | null;
  /** The invitation's account, from the metadata too; null for messages sent before it was added. */
  accountId: string | null;
  kind: EmailEventKind;
  /** When it happened, by the provider's clock. */
  occurredAt: Date;
  /** Plain words for an admin, e.g. "mailbox does not exist". Never the message body. */
  detail: string | null;
}
