/** What every mailer sends: one rendered message, already escaped and complete. */
// The Postmark Tag: each kind its own, so the invitee reminders can be told apart in Postmark's stats.
export type EmailTag = 'invitation' | 'resend' | 'new-invitation' | 'reminder';

export interface EmailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  tag: EmailTag;
  /**
   * Travels with the message (Postmark Metadata): webhooks find the invitation again by its id (and
   * check it is of `accountId`), and a worker restarted after a crash asks the provider whether
   * `sendAttempt` was accepted.
   */
  metadata: { invitationId: string; accountId: string; sendAttempt: string };
}

/**
 * Per-message outcome. Mailers never throw for delivery problems: a batch can partly fail
 * (Postmark's batch endpoint answers 200 with per-message errors), so every message gets a result.
 * `permanent: false` means "try again later" (429, 5xx, network); `permanent: true` means retrying
 * cannot help (invalid address, inactive recipient). `unanswered: true` means no answer came back
 * (timeout, dropped connection), so the provider may have accepted the message all the same.
 */
export type SendResult =
  | { ok: true; messageId: string }
  | { ok: false; permanent: boolean; code: string; reason: string; unanswered?: boolean };

/** A message the provider accepted, as found again by its send attempt. */
export interface AcceptedMessage {
  sendAttempt: string;
  invitationId: string;
  messageId: string;
}

export interface Mailer {
  /** Human name for logs: "postmark" or "outbox (./.data/outbox)". */
  readonly name: string;
  /** Results are in the order of `messages`. */
  sendBatch(messages: readonly EmailMessage[]): Promise<SendResult[]>;
  /**
   * Every message sent under these attempts that the provider accepted. Throws when it cannot tell
   * (provider unreachable). A mailer without it cannot look back: an unsettled attempt is sent again.
   */
  findAccepted?(sendAttempts: readonly string[]): Promise<AcceptedMessage[]>;
}
