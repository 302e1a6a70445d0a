/** What every mailer sends: one rendered message, already escaped and complete. */
export type EmailTag = 'invitation' | 'resend' | 'new-invitation';

export interface EmailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  tag: EmailTag;
  /** Travels with the message (Postmark Metadata) so webhooks can find the invitation again. */
  metadata: { invitationId: string };
}

/**
 * Per-message outcome. Mailers never throw for delivery problems: a batch can partly fail
 * (Postmark's batch endpoint answers 200 with per-message errors), so every message gets a result.
 * `permanent: false` means "try again later" (429, 5xx, network); `permanent: true` means retrying
 * cannot help (invalid address, inactive recipient).
 */
export type SendResult =
  | { ok: true; messageId: string }
  | { ok: false; permanent: boolean; code: string; reason: string };

export interface Mailer {
  /** Human name for logs: "postmark" or "outbox (./.data/outbox)". */
  readonly name: string;
  /** Results are in the order of `messages`. */
  sendBatch(messages: readonly EmailMessage[]): Promise<SendResult[]>;
}
