import type { Db } from '../db/database.js';
import type { DeliveryState } from '../db/schema.js';
import type { Person } from './invitation.js';
import { inviteUrl, linkToken } from './links.js';
import * as repo from './delivery-repository.js';

export interface EmailContext {
  invitationId: string;
  accountName: string;
  invitee: Person;
  inviter: Person;
  link: string;
  expiresAt: Date;
}

export type DeliveryOutcome =
  | { kind: 'sent'; messageId: string }
  | { kind: 'retrying'; reason: string }
  | { kind: 'failed'; reason: string; permanent: boolean };

/**
 * Delivery bookkeeping for the email worker: what to send (only invitations still open — a job for a
 * superseded or cancelled invitation is dropped, never mailed), and what became of each send.
 */
export class DeliveryService {
  constructor(private readonly deps: { db: Db; accountName: string; appSecret: string; publicBaseUrl: string; clock: () => Date }) {}

  /** Contexts of the invitations that may still be mailed, keyed by id. One query for a whole batch. */
  async contexts(invitationIds: readonly string[]): Promise<Map<string, EmailContext>> {
    const rows = await repo.openInvitationsWithPeople(this.deps.db, invitationIds);
    return new Map(rows.map((r) => [r.id, {
      invitationId: r.id,
      accountName: this.deps.accountName,
      invitee: { email: r.email, name: r.name },
      inviter: { email: r.inviter_email ?? 'an account administrator', name: r.inviter_name },
      link: inviteUrl(this.deps.publicBaseUrl, linkToken(this.deps.appSecret, r.public_id)),
      expiresAt: r.expires_at,
    }]));
  }

  async record(outcomes: readonly { invitationId: string; outcome: DeliveryOutcome }[]): Promise<void> {
    if (!outcomes.length) return;
    const now = this.deps.clock();
    await repo.setDeliveryStates(this.deps.db, outcomes.map(({ invitationId, outcome }) => ({
      id: invitationId,
      state: stateOf(outcome),
      detail: outcome.kind === 'sent' ? null : outcome.reason,
      messageId: outcome.kind === 'sent' ? outcome.messageId : null,
      at: now,
    })));
  }
}

function stateOf(outcome: DeliveryOutcome): DeliveryState {
  if (outcome.kind === 'sent') return 'sent';
  if (outcome.kind === 'retrying') return 'retrying';
  return outcome.permanent ? 'bounced' : 'failed';
}
