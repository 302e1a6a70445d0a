import { randomUUID } from 'node:crypto';
import type { Db, Trx } from '../db/database.js';
import { uniqueViolation } from '../db/pg-errors.js';
import type { Queue } from '../db/queue.js';
import type { InvitationRow, UserRow } from '../db/schema.js';
import { type DomainError, DomainFailure, fail, ok, type Result } from './errors.js';
import {
  type Action,
  type Actor,
  type Clock,
  refusal,
  statusOf,
  type Target,
  type UserStatus,
  type UserView,
} from './invitation.js';
import { checkHourlyCap, type SendLimits } from './limits.js';
import { inviteUrl, linkToken, newPublicId } from './links.js';
import * as repo from './repository.js';

export interface ServiceDeps {
  db: Db;
  queue: Pick<Queue, 'enqueue'>;
  clock: Clock;
  accountId: string;
  accountName: string;
  invitationTtlMs: number;
  appSecret: string;
  publicBaseUrl: string;
  /** RESEND_COOLDOWN / ACCOUNT_HOURLY_EMAIL_CAP; defaults when omitted. */
  limits?: SendLimits;
}

/** What a step inside `act` hands back: the value, plus what the audit entry should say. */
export interface Done<T> {
  value: T;
  subject: string;
  invitationId?: string;
  detail?: Record<string, unknown>;
}

const CONSTRAINT_ERRORS: Record<string, DomainError['code']> = {
  users_email_per_account: 'already_invited',
  invitations_one_open_per_user: 'already_invited',
};

/**
 * The mechanics every service action shares: one transaction per action with the actor checked
 * inside it, the audit entry, the user-row lock and the rule check, issuing an invitation.
 * InvitationService (service.ts) builds the public operations on top.
 */
export abstract class ServiceCore {
  constructor(readonly deps: ServiceDeps) {}

  now(): Date {
    return this.deps.clock();
  }

  link(invitation: Pick<InvitationRow, 'public_id'>): string {
    return inviteUrl(this.deps.publicBaseUrl, linkToken(this.deps.appSecret, invitation.public_id));
  }

  /** A new pending invitation (closing `replaces`), with its email enqueued in the same transaction. */
  protected async issue(
    trx: Trx,
    user: UserRow,
    inviter: UserRow,
    kind: 'invitation' | 'new-invitation',
    replaces: string | null,
  ) {
    const now = this.now();
    await checkHourlyCap(this.deps.limits, trx, this.deps.accountId, now);
    const invitation = {
      id: randomUUID(),
      public_id: newPublicId(),
      account_id: this.deps.accountId,
      user_id: user.id,
      inviter_id: inviter.id,
      sent_at: now,
      expires_at: new Date(now.getTime() + this.deps.invitationTtlMs),
      state: 'pending' as const,
      closed_at: null,
      superseded_by: null,
      last_resent_at: null,
      delivery_detail: null,
      delivery_updated_at: null,
      message_id: null,
    };
    if (replaces)
      await repo.updateInvitation(trx, replaces, { state: 'superseded', closed_at: now, superseded_by: invitation.id });
    await repo.insertInvitation(trx, invitation);
    await this.deps.queue.enqueue(trx, 'email.send', { invitationId: invitation.id, kind });
    return invitation;
  }

  /** Locks the target user and checks `action` against their state as it is now. */
  protected async allowed(
    trx: Trx,
    target: Target,
    action: Action,
  ): Promise<{ user: UserRow; open: InvitationRow; status: UserStatus }> {
    const user = await repo.findUser(trx, this.deps.accountId, target, true);
    if (!user) fail('user_not_found', 'email' in target ? { email: target.email } : {});
    if (user.state !== 'active' && user.state !== 'invited') fail('no_open_invitation', { email: user.email });
    const open = user.state === 'invited' ? await repo.openInvitation(trx, user.id) : undefined;
    const status = statusOf(user.state, open?.expires_at ?? null, this.now());
    if (!status) fail('no_open_invitation', { email: user.email });
    // A click on a row drawn before another admin acted: say so rather than act on what changed.
    if (target.invitationId && open && target.invitationId !== open.id) fail('stale', { email: user.email });
    const refused = refusal(action, status, true);
    if (refused) fail(refused, { email: user.email, ...(open ? { expiresAt: open.expires_at } : {}) });
    return { user, open: open!, status };
  }

  protected async view(db: Db | Trx, target: Target): Promise<UserView | null> {
    const user = 'userId' in target ? { id: target.userId } : await repo.findUser(db, this.deps.accountId, target);
    return user ? repo.userView(db, this.deps.accountId, user.id, this.now()) : null;
  }

  protected async mustView(trx: Trx, userId: string): Promise<UserView> {
    const view = await repo.userView(trx, this.deps.accountId, userId, this.now());
    if (!view) throw new Error(`user ${userId} vanished inside its own transaction`);
    return view;
  }

  /**
   * One transaction: check the actor, do the work, write the audit entry. A refusal rolls the work
   * back and is audited on its own, so the trail shows refused attempts too.
   */
  protected async act<T>(
    actor: Actor,
    action: string,
    subject: string | null,
    work: (trx: Trx, admin: UserRow) => Promise<Done<T>>,
  ): Promise<Result<T>> {
    try {
      return await this.deps.db.transaction().execute(async (trx) => {
        const admin = await repo.activeAdmin(trx, this.deps.accountId, actor.email);
        if (!admin) fail('not_admin');
        const done = await work(trx, admin);
        await this.audit(trx, actor, action, done);
        return ok(done.value);
      });
    } catch (err) {
      const error = asDomainError(err, subject);
      if (!error) throw err;
      return this.refuse(this.deps.db, actor, action, error.email ?? subject, error);
    }
  }

  protected async audit(trx: Trx, actor: Actor, action: string, done: Done<unknown>): Promise<void> {
    await repo.appendAudit(trx, {
      account_id: this.deps.accountId,
      at: this.now(),
      actor: `${actor.email} (${actor.via})`,
      action,
      subject_email: done.subject,
      invitation_id: done.invitationId ?? null,
      outcome: 'ok',
      ...(done.detail ? { detail: done.detail } : {}),
    });
  }

  protected async refuse(
    db: Db | Trx,
    actor: Actor,
    action: string,
    subject: string | null,
    error: DomainError,
  ): Promise<Result<never>> {
    await repo.appendAudit(db, {
      account_id: this.deps.accountId,
      at: this.now(),
      actor: `${actor.email} (${actor.via})`,
      action,
      subject_email: subject,
      invitation_id: null,
      outcome: error.code,
    });
    return { ok: false, error };
  }
}

export const invalidEmail = (raw: string): DomainError => ({ code: 'invalid_email', detail: raw.slice(0, 100) });

/** A refusal (thrown by a rule, or a race the database caught by constraint), or null if it is a bug. */
export function asDomainError(err: unknown, subject: string | null): DomainError | null {
  if (err instanceof DomainFailure) return err.error;
  const constraint = uniqueViolation(err);
  const code = constraint ? CONSTRAINT_ERRORS[constraint] : undefined;
  return code ? { code, ...(subject ? { email: subject } : {}) } : null;
}
