import type { Mailer } from './mailer.js';
import { createOutboxMailer } from './outbox-mailer.js';
import { createPostmarkMailer } from './postmark-mailer.js';

export type { AcceptedMessage, EmailMessage, EmailTag, Mailer, SendResult } from './mailer.js';
export { createOutboxMailer } from './outbox-mailer.js';
export type { PostmarkMailerOptions } from './postmark-mailer.js';
export { createPostmarkMailer, POSTMARK_BATCH_LIMIT } from './postmark-mailer.js';
export type { InvitationEmailInput, RenderedEmail } from './templates/invitation.js';
export { renderInvitationEmail } from './templates/invitation.js';

export interface MailerConfig {
  /** null = Postmark not configured: emails go to files so development works offline. */
  postmark: { serverToken: string; apiUrl?: string | null; from: string; messageStream: string } | null;
  outboxDir: string;
}

/** Picks Postmark when it is configured, otherwise the file outbox. */
export function createMailer(config: MailerConfig, log: (line: string) => void): Mailer {
  if (config.postmark) {
    const { serverToken, apiUrl, from, messageStream } = config.postmark;
    return createPostmarkMailer({ serverToken, apiUrl: apiUrl ?? null, from, messageStream });
  }
  return createOutboxMailer(config.outboxDir, log);
}
