import type { DeliveryService, EmailContext } from '../delivery/service.js';
import type { AcceptedMessage, Mailer } from '../email/index.js';
import type { Logger } from '../log.js';

/**
 * How old an unsettled send attempt must be before "the provider has no such message" is believed.
 * It must outlast a live worker's call (the Postmark client gives up after 20 s) plus the delay before
 * Postmark's search shows a message it has just accepted, which Postmark does not document: 10 s of
 * margin (docs/decisions/2026-12-03-email-send-attempts.md). A crashed batch comes back after the
 * email queue's job expiry (EMAIL_JOB_EXPIRY_SECONDS, 30 s) plus at least 5 s of retry backoff, so it
 * is old enough to be looked up at once.
 */
export const UNSETTLED_GRACE_SECONDS = 30;

export interface AttemptLookupDeps {
  delivery: DeliveryService;
  mailer: Mailer;
  log: Logger;
  /** Tests that retry at once shrink it; production keeps UNSETTLED_GRACE_SECONDS. */
  unsettledGraceSeconds?: number;
}

/**
 * Settles the send attempts a crash, an expired job or an unanswered call left on these invitations:
 * the provider is asked whether each attempt was accepted, and the answer is recorded before anything
 * is sent again. Updates `contexts` in place and returns the invitations that must wait (with why):
 * an attempt too young to judge, or a provider that could not be asked.
 */
export async function settleUnsettledAttempts(
  deps: AttemptLookupDeps,
  contexts: Map<string, EmailContext>,
): Promise<Map<string, string>> {
  const grace = deps.unsettledGraceSeconds ?? UNSETTLED_GRACE_SECONDS;
  const waiting = new Map<string, string>();
  const due: { ctx: EmailContext; attempt: string }[] = [];
  for (const ctx of contexts.values()) {
    if (!ctx.unsettled) continue;
    if (ctx.unsettled.ageSeconds < grace) waiting.set(ctx.invitationId, 'an earlier send may still be in flight');
    else due.push({ ctx, attempt: ctx.unsettled.attempt });
  }
  if (!due.length) return waiting;

  let accepted: AcceptedMessage[] = [];
  try {
    // A mailer that cannot look back (the dev outbox) finds nothing: the message is written again.
    accepted = (await deps.mailer.findAccepted?.([...new Set(due.map((d) => d.attempt))])) ?? [];
  } catch (err) {
    const reason = `could not ask ${deps.mailer.name} whether an earlier send was accepted: ${String(err)}`;
    for (const { ctx } of due) waiting.set(ctx.invitationId, reason);
    deps.log.warn({ attempts: due.length, err }, 'could not look up earlier send attempts; will retry');
    return waiting;
  }
  const found = new Map(accepted.map((a) => [`${a.invitationId} ${a.sendAttempt}`, a.messageId]));
  const settled = await deps.delivery.settle(
    due.map(({ ctx, attempt }) => ({
      id: ctx.invitationId,
      attempt,
      messageId: found.get(`${ctx.invitationId} ${attempt}`) ?? null,
    })),
  );
  for (const { ctx } of due) {
    // Settled by another worker in the meantime: look again on the next try rather than guess.
    if (!settled.has(ctx.invitationId)) {
      waiting.set(ctx.invitationId, 'an earlier send was being settled elsewhere');
      continue;
    }
    ctx.unsettled = null;
    ctx.emailedAt = settled.get(ctx.invitationId) ?? null;
  }
  const acceptedCount = due.filter(({ ctx, attempt }) => found.has(`${ctx.invitationId} ${attempt}`)).length;
  deps.log.info(
    { attempts: due.length, accepted: acceptedCount, notAccepted: due.length - acceptedCount, via: deps.mailer.name },
    'settled send attempts that had no recorded outcome',
  );
  return waiting;
}
