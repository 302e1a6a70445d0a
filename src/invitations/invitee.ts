import type { Trx } from '../db/database.js';
import type { InvitationRow } from '../db/schema.js';
import { DomainFailure, type ErrorCode, fail, ok, type Result } from './errors.js';
import { type Person, statusOf } from './invitation.js';
import { verifyLinkToken } from './links.js';
import { checkNames } from './names.js';
import * as repo from './repository.js';
import type { ServiceDeps } from './service.js';

/** What the invite page shows; also carried by a dead link so the page can name the inviter. */
export interface InvitationDetails {
  accountName: string;
  invitee: Person;
  inviter: Person | null;
  sentAt: Date;
  expiresAt: Date;
}

export type LinkResult<T> = Result<T> & { details?: InvitationDetails };

const CLOSED: Record<Exclude<InvitationRow['state'], 'pending'>, ErrorCode> = {
  accepted: 'link_accepted',
  declined: 'link_declined',
  cancelled: 'link_cancelled',
  superseded: 'link_superseded',
};

/**
 * The invitee's side: opening, accepting and declining a link. Opening never writes (mail scanners
 * and link previews fetch links); accept and decline are single transactions that lock the
 * invitation, so a double submit finds it already answered instead of answering twice.
 */
export class InviteeService {
  constructor(private readonly deps: ServiceDeps) {}

  async open(token: string): Promise<LinkResult<InvitationDetails>> {
    return this.resolve(this.deps.db, token, false).then(
      ({ details }) => ({ ...ok(details), details }),
      (err) => this.asResult(err),
    );
  }

  /** Accepts with the names the invitee typed; unusable names are refused per field (invalid_input). */
  async accept(token: string, names: { firstName: string; lastName: string }): Promise<LinkResult<InvitationDetails>> {
    const checked = checkNames(names);
    if (checked.errors)
      return { ok: false, error: { code: 'invalid_input', detail: 'Check your name.', fields: checked.errors } };
    return this.answer(token, 'accepted', `${checked.firstName} ${checked.lastName}`.trim() || null);
  }

  async decline(token: string): Promise<LinkResult<InvitationDetails>> {
    return this.answer(token, 'declined', null);
  }

  private async answer(
    token: string,
    answer: 'accepted' | 'declined',
    name: string | null,
  ): Promise<LinkResult<InvitationDetails>> {
    try {
      return await this.deps.db.transaction().execute(async (trx) => {
        const { invitation, details } = await this.resolve(trx, token, true);
        const now = this.deps.clock();
        await repo.updateInvitation(trx, invitation.id, { state: answer, closed_at: now });
        await repo.updateUser(
          trx,
          invitation.user_id,
          answer === 'accepted'
            ? { state: 'active', activated_at: now, ...(name ? { name } : {}) }
            : { state: 'declined' },
        );
        await repo.appendAudit(trx, {
          account_id: this.deps.accountId,
          at: now,
          actor: `${details.invitee.email} (invite page)`,
          action: answer === 'accepted' ? 'accept' : 'decline',
          subject_email: details.invitee.email,
          invitation_id: invitation.id,
          outcome: 'ok',
        });
        await this.deps.queue.enqueue(trx, 'invitation.answered', { invitationId: invitation.id, answer });
        const answered = { ...details, invitee: { ...details.invitee, name: name ?? details.invitee.name } };
        return { ...ok(answered), details: answered };
      });
    } catch (err) {
      return this.asResult(err);
    }
  }

  /** The invitation behind a token, if it can still be answered; otherwise a link_* failure. */
  private async resolve(db: ServiceDeps['db'] | Trx, token: string, lock: boolean) {
    const publicId = verifyLinkToken(this.deps.appSecret, token);
    let invitation = publicId ? await repo.invitationByPublicId(db, publicId, false) : undefined;
    // Unknown and forged links get the same answer: a page must not reveal what exists.
    if (!invitation || invitation.account_id !== this.deps.accountId) fail('link_invalid');
    // Lock the user before the invitation, in the same order as the admin actions: no deadlock.
    const invitee = await repo.findUser(db, this.deps.accountId, { userId: invitation.user_id }, lock);
    if (!invitee) fail('link_invalid');
    if (lock) invitation = (await repo.invitationByPublicId(db, invitation.public_id, true))!;
    const inviter = invitation.inviter_id
      ? await repo.findUser(db, this.deps.accountId, { userId: invitation.inviter_id })
      : undefined;
    const details: InvitationDetails = {
      accountName: this.deps.accountName,
      invitee: { name: invitee.name, email: invitee.email },
      inviter: inviter ? { name: inviter.name, email: inviter.email } : null,
      sentAt: invitation.sent_at,
      expiresAt: invitation.expires_at,
    };
    if (invitation.state !== 'pending') throw new DetailedFailure(CLOSED[invitation.state], details);
    if (statusOf('invited', invitation.expires_at, this.deps.clock()) === 'expired') {
      throw new DetailedFailure('link_expired', details);
    }
    return { invitation, details };
  }

  private asResult(err: unknown): LinkResult<never> {
    if (err instanceof DetailedFailure) return { ok: false, error: err.error, details: err.details };
    if (err instanceof DomainFailure) return { ok: false, error: err.error };
    throw err;
  }
}

class DetailedFailure extends DomainFailure {
  constructor(
    code: ErrorCode,
    readonly details: InvitationDetails,
  ) {
    super({ code, email: details.invitee.email, expiresAt: details.expiresAt });
  }
}
