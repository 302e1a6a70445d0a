import type { Db, Executor } from '../db/database.js';
import type { DeliveryState } from '../db/schema.js';
import type { EmailEvent } from '../email/events.js';
import type { Person } from '../invitations/invitation.js';
import type { Links } from '../invitations/links.js';
import { type AttemptVerdict, claimAttempts, settleAttempts } from './attempts.js';
import { decideDelivery } from './events.js';
import * as repo from './repository.js';

export { type DeliveryInfo, describeDelivery, relativeTime } from './summary.js';

export interface EmailContext {
  invitationId: string;
  accountId: string;
  /** The invitation's own account's name (never the deployment's: an email of account B names B). */
  accountName: string;
  invitee: Person;
  inviter: Person;
  link: string;
  expiresAt: Date;
  /** A send attempt whose outcome was never recorded (crash, expiry, no answer), and its age. */
  unsettled: { attempt: string; ageSeconds: number } | null;
  /** When the newest email the provider accepted for this invitation was attempted (database clock). */
  emailedAt: Date | null;
}

/** One send outcome to record; `attempt` null records a state without touching any attempt. */
export interface OutcomeRecord {
  invitationId: string;
  outcome: DeliveryOutcome;
  attempt: string | null;
  /** The provider may have accepted it (no answer came back): keep the attempt to look it up later. */
  keepAttempt?: boolean;
}

export type DeliveryOutcome =
  | { kind: 'sent'; messageId: string }
  | { kind: 'retrying'; reason: string }
  /** `code` is the mailer's (invalid_email, inactive_recipient, …); it picks the admin's wording. */
  | { kind: 'failed'; reason: string; permanent: boolean; code?: string };

/** What became of one webhook event: 'applied', 'duplicate', or why it changed nothing. */
export interface EventResult {
  outcome: string;
  invitationId: string | null;
}

/**
 * Refusals that mean "this address cannot receive our email" (shown as bounced), in the words an
 * admin reads in Slack; other permanent failures are our setup's fault and show as failed.
 */
const BOUNCE_WORDS: Record<string, string> = {
  invalid_email: 'the address is not valid',
  inactive_recipient:
    'Postmark will not send to this address because it bounced, marked an email as spam ' +
    'or unsubscribed before (it can be reactivated in Postmark)',
};

/**
 * Delivery bookkeeping for the email worker: what to send (only invitations still open — a job for a
 * superseded or cancelled invitation is dropped, never mailed), and what became of each send.
 */
export class DeliveryService {
  constructor(
    private readonly deps: { db: Db; links: Links; clock: () => Date },
    /**
     * Called in the transaction that marks an invitation bounced (the channel notice of the
     * invitation's own account); none without Slack.
     */
    private readonly onBounced: ((trx: Executor, invitationId: string) => Promise<unknown>) | null = null,
  ) {}

  /** Contexts of the invitations that may still be mailed, keyed by id. One query for a whole batch. */
  async contexts(invitationIds: readonly string[]): Promise<Map<string, EmailContext>> {
    const rows = await repo.openInvitationsWithPeople(this.deps.db, invitationIds);
    const contexts = new Map<string, EmailContext>();
    for (const r of rows) {
      // An erased invitee has neither an address nor a link: nothing to mail.
      if (!r.email || !r.public_id) continue;
      contexts.set(r.id, {
        invitationId: r.id,
        accountId: r.account_id,
        accountName: r.account_name,
        invitee: { email: r.email, name: r.name },
        inviter: { email: r.inviter_email ?? 'an account administrator', name: r.inviter_name },
        link: this.deps.links.url(r.public_id),
        expiresAt: r.expires_at,
        unsettled: r.send_attempt ? { attempt: r.send_attempt, ageSeconds: r.attempt_age_s ?? 0 } : null,
        emailedAt: r.emailed_at,
      });
    }
    return contexts;
  }

  /**
   * Commits a new send attempt on each invitation with none in flight, before the provider is
   * called; returns the invitations claimed (the others have a send in flight elsewhere).
   */
  claim(invitationIds: readonly string[], attempt: string): Promise<Set<string>> {
    return claimAttempts(this.deps.db, invitationIds, attempt);
  }

  /**
   * Settles looked-up attempts: accepted → "sent" with the provider's MessageID, otherwise cleared.
   * Returns, per invitation settled here, when its newest accepted email was attempted.
   */
  async settle(verdicts: readonly Omit<AttemptVerdict, 'at'>[]): Promise<Map<string, Date | null>> {
    const at = this.deps.clock();
    const rows = await settleAttempts(
      this.deps.db,
      verdicts.map((v) => ({ ...v, at })),
    );
    return new Map(rows.map((r) => [r.id, r.emailed_at]));
  }

  async record(outcomes: readonly OutcomeRecord[]): Promise<void> {
    if (!outcomes.length) return;
    const now = this.deps.clock();
    const rows = outcomes.map(({ invitationId, outcome, attempt, keepAttempt }) => ({
      id: invitationId,
      state: stateOf(outcome),
      detail: detailOf(outcome),
      messageId: outcome.kind === 'sent' ? outcome.messageId : null,
      at: now,
      attempt,
      keepAttempt: keepAttempt === true || attempt === null,
    }));
    const onBounced = this.onBounced;
    const bounced = onBounced ? rows.filter((r) => r.state === 'bounced') : [];
    if (!onBounced || !bounced.length) {
      await repo.setDeliveryStates(this.deps.db, rows);
      return;
    }
    await this.deps.db.transaction().execute(async (trx) => {
      const changed = await repo.setDeliveryStates(trx, rows);
      // An outcome dropped because its attempt was settled elsewhere announces nothing either.
      for (const r of bounced) if (changed.has(r.id)) await onBounced(trx, r.id);
    });
  }

  /**
   * Applies one provider event (Postmark webhook) at most once: the event is stored under its
   * unique key in the same transaction as the state change, so a repeat finds it and does nothing.
   */
  async applyEvent(event: EmailEvent): Promise<EventResult> {
    return this.deps.db.transaction().execute(async (trx) => {
      // Locked: concurrent events for one invitation are judged one after the other.
      const found = await repo.invitationForEvent(trx, event.invitationId, event.messageId);
      // The metadata names the account the email was sent for: news naming another account's
      // invitation is not about it (older messages carry no account and are matched by id alone).
      const invitation =
        found && (event.accountId === null || found.account_id === event.accountId) ? found : undefined;
      const decision = invitation
        ? decideDelivery(
            {
              state: invitation.delivery_state,
              updatedAt: invitation.delivery_updated_at,
              messageId: invitation.message_id,
            },
            event,
          )
        : {
            apply: false as const,
            reason: found ? "the message names another account's invitation" : 'no invitation matches this message',
          };
      const stored = await repo.insertEvent(trx, {
        record_type: event.recordType,
        message_id: event.messageId,
        event_key: event.eventKey,
        invitation_id: invitation?.id ?? null,
        occurred_at: event.occurredAt,
        received_at: this.deps.clock(),
        kind: event.kind,
        detail: event.detail,
        outcome: decision.apply ? 'applied' : decision.reason,
      });
      if (!stored) return { outcome: 'duplicate', invitationId: invitation?.id ?? null };
      if (invitation && decision.apply) {
        await repo.setEventState(trx, invitation.id, {
          state: decision.state,
          detail: decision.detail,
          at: event.occurredAt,
        });
        if (decision.state === 'bounced' && this.onBounced) await this.onBounced(trx, invitation.id);
      }
      return { outcome: decision.apply ? 'applied' : decision.reason, invitationId: invitation?.id ?? null };
    });
  }
}

function stateOf(outcome: DeliveryOutcome): DeliveryState {
  if (outcome.kind === 'sent') return 'sent';
  if (outcome.kind === 'retrying') return 'retrying';
  return outcome.permanent && outcome.code && BOUNCE_WORDS[outcome.code] ? 'bounced' : 'failed';
}

function detailOf(outcome: DeliveryOutcome): string | null {
  if (outcome.kind === 'sent') return null;
  if (outcome.kind === 'failed' && outcome.permanent && outcome.code)
    return BOUNCE_WORDS[outcome.code] ?? outcome.reason;
  return outcome.reason;
}
