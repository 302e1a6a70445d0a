import { randomUUID } from 'node:crypto';
import type { Db, Trx } from '../db/database.js';
import { uniqueViolation } from '../db/pg-errors.js';
import type { Queue } from '../db/queue.js';
import type { InvitationRow, Role, UserRow } from '../db/schema.js';
import { normalizeEmail } from '../commands/email.js';
import { DomainFailure, fail, ok, type DomainError, type Result } from './errors.js';
import {
  refusal, statusOf, type Action, type Actor, type Clock, type HistoryEntry, type ListPage, type ListQuery,
  type Target, type UserStatus, type UserView,
} from './invitation.js';
import { checkHourlyCap, checkResendCooldown, type SendLimits } from './limits.js';
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

export interface InviteRequest {
  email: string;
  name?: string | null;
  role?: Role;
}
export interface InviteOutcome {
  email: string;
  result: Result<UserView>;
}

/** What a step inside `act` hands back: the value, plus what the audit entry should say. */
interface Done<T> {
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
 * Every rule about invitations for admins. Each public method is one transaction that re-checks,
 * at that moment, that the actor is an Active admin and that the action is allowed for the user's
 * current state; adapters only parse and render.
 */
export class InvitationService {
  constructor(readonly deps: ServiceDeps) {}

  now(): Date {
    return this.deps.clock();
  }

  link(invitation: Pick<InvitationRow, 'public_id'>): string {
    return inviteUrl(this.deps.publicBaseUrl, linkToken(this.deps.appSecret, invitation.public_id));
  }

  async isAdmin(email: string): Promise<boolean> {
    return (await repo.activeAdmin(this.deps.db, this.deps.accountId, email)) !== undefined;
  }

  async list(actor: Actor, query: ListQuery): Promise<Result<ListPage>> {
    if (!(await this.isAdmin(actor.email))) return { ok: false, error: { code: 'not_admin' } };
    const pageSize = Math.max(1, Math.min(query.pageSize, 100));
    const page = Math.max(1, Math.floor(query.page));
    const r = await repo.listUsers(this.deps.db, this.deps.accountId, query.filter, this.now(), pageSize, (page - 1) * pageSize);
    return ok({ ...r, page, pageCount: Math.max(1, Math.ceil(r.total / pageSize)) });
  }

  /** The current row of one user, e.g. to redraw it after an action. */
  async user(actor: Actor, target: Target): Promise<Result<UserView>> {
    if (!(await this.isAdmin(actor.email))) return { ok: false, error: { code: 'not_admin' } };
    const view = await this.view(this.deps.db, target);
    return view ? ok(view) : { ok: false, error: { code: 'user_not_found', ...('email' in target ? { email: target.email } : {}) } };
  }

  async invite(actor: Actor, requests: readonly InviteRequest[]): Promise<Result<InviteOutcome[]>> {
    if (!(await this.isAdmin(actor.email))) return { ok: false, error: { code: 'not_admin' } };
    const outcomes: InviteOutcome[] = [];
    // One transaction per address: one bad address must not undo the others.
    for (const request of requests) {
      const email = normalizeEmail(request.email);
      const result = email
        ? await this.act(actor, 'invite', email, (trx, admin) => this.inviteOne(trx, admin, { ...request, email }))
        : await this.refuse(actor, 'invite', request.email, { code: 'invalid_email', detail: request.email.slice(0, 100) });
      outcomes.push({ email: email ?? request.email, result });
    }
    return ok(outcomes);
  }

  async copyLink(actor: Actor, target: Target): Promise<Result<{ user: UserView; link: string }>> {
    return this.act(actor, 'copy_link', null, async (trx) => {
      const { user, open } = await this.allowed(trx, target, 'copy_link');
      return { value: { user: await this.mustView(trx, user.id), link: this.link(open) }, subject: user.email, invitationId: open.id };
    });
  }

  /** Emails the ORIGINAL invitation again: same link, same expiry. */
  async resend(actor: Actor, target: Target): Promise<Result<UserView>> {
    return this.act(actor, 'resend', null, async (trx) => {
      const { user, open } = await this.allowed(trx, target, 'resend');
      checkResendCooldown(this.deps.limits, open, user.email, this.now());
      await checkHourlyCap(this.deps.limits, trx, this.deps.accountId, this.now());
      await repo.updateInvitation(trx, open.id, {
        resend_count: open.resend_count + 1, last_resent_at: this.now(), delivery_state: 'queued', delivery_detail: null,
      });
      await this.deps.queue.enqueue(trx, 'email.send', { invitationId: open.id, kind: 'resend' });
      return { value: await this.mustView(trx, user.id), subject: user.email, invitationId: open.id, detail: { resend: open.resend_count + 1 } };
    });
  }

  /** "Send new invitation": only once expired; the old link stops working, a fresh window starts. */
  async sendNew(actor: Actor, target: Target): Promise<Result<UserView>> {
    return this.act(actor, 'send_new', null, async (trx, admin) => {
      const { user, open } = await this.allowed(trx, target, 'send_new');
      const next = await this.issue(trx, user, admin, 'new-invitation', open.id);
      return { value: await this.mustView(trx, user.id), subject: user.email, invitationId: next.id, detail: { replaces: open.id } };
    });
  }

  async cancel(actor: Actor, target: Target): Promise<Result<{ email: string }>> {
    return this.act(actor, 'cancel', null, async (trx) => {
      const { user, open } = await this.allowed(trx, target, 'cancel');
      await repo.updateInvitation(trx, open.id, { state: 'cancelled', closed_at: this.now() });
      await repo.updateUser(trx, user.id, { state: 'cancelled' });
      return { value: { email: user.email }, subject: user.email, invitationId: open.id };
    });
  }

  async history(actor: Actor, target: Target, limit = 50): Promise<Result<{ user: UserView | null; email: string; entries: HistoryEntry[] }>> {
    if (!(await this.isAdmin(actor.email))) return { ok: false, error: { code: 'not_admin' } };
    const user = await repo.findUser(this.deps.db, this.deps.accountId, target);
    const email = user?.email ?? ('email' in target ? normalizeEmail(target.email) : null);
    if (!email) return { ok: false, error: { code: 'user_not_found' } };
    const entries = await repo.auditFor(this.deps.db, this.deps.accountId, email, limit);
    if (!user && entries.length === 0) return { ok: false, error: { code: 'user_not_found', email } };
    return ok({ user: user ? await this.view(this.deps.db, { userId: user.id }) : null, email, entries });
  }

  /** `/users notify`: the channel for expiry notices, or null to stop them. Admins only, audited. */
  async setNoticeChannel(actor: Actor, channel: string | null): Promise<Result<{ channel: string | null }>> {
    return this.deps.db.transaction().execute(async (trx) => {
      if (!(await repo.activeAdmin(trx, this.deps.accountId, actor.email))) return { ok: false, error: { code: 'not_admin' } } as const;
      await repo.setNoticeChannel(trx, this.deps.accountId, channel);
      await repo.appendAudit(trx, {
        account_id: this.deps.accountId, at: this.now(), actor: `${actor.email} (${actor.via})`, action: 'notify',
        subject_email: null, invitation_id: null, outcome: 'ok', detail: { channel: channel ?? 'off' },
      });
      return ok({ channel });
    });
  }

  /** ADMIN_EMAILS bootstrap: each address ends up an Active admin; running it twice changes nothing. */
  async ensureAdmins(emails: readonly string[]): Promise<void> {
    for (const raw of emails) {
      const email = normalizeEmail(raw);
      if (!email) continue;
      await this.deps.db.transaction().execute(async (trx) => {
        const user = await repo.findUser(trx, this.deps.accountId, { email }, true);
        if (user?.state === 'active' && user.role === 'admin') return;
        const now = this.now();
        if (user) {
          const open = await repo.openInvitation(trx, user.id);
          if (open) await repo.updateInvitation(trx, open.id, { state: 'cancelled', closed_at: now });
          await repo.updateUser(trx, user.id, { role: 'admin', state: 'active', activated_at: now });
        } else {
          await repo.insertUser(trx, {
            account_id: this.deps.accountId, email, name: null, role: 'admin', state: 'active', created_at: now, activated_at: now,
          });
        }
        await repo.appendAudit(trx, {
          account_id: this.deps.accountId, at: now, actor: 'system (ADMIN_EMAILS)', action: 'bootstrap_admin',
          subject_email: email, invitation_id: null, outcome: 'ok',
        });
      });
    }
  }

  private async inviteOne(trx: Trx, admin: UserRow, request: InviteRequest & { email: string }): Promise<Done<UserView>> {
    const { email } = request;
    const name = request.name?.trim() ? request.name.trim().slice(0, 200) : null;
    let user = await repo.findUser(trx, this.deps.accountId, { email }, true);
    if (user) {
      if (user.state === 'active') fail('already_active', { email });
      if (user.state === 'invited') {
        const open = await repo.openInvitation(trx, user.id);
        const expired = open && statusOf('invited', open.expires_at, this.now()) === 'expired';
        fail(expired ? 'invitation_expired' : 'already_invited', { email, ...(open ? { expiresAt: open.expires_at } : {}) });
      }
      // Cancelled or declined earlier: the admins may invite again.
      await repo.updateUser(trx, user.id, { state: 'invited', name: name ?? user.name, role: request.role ?? user.role });
    } else {
      user = await repo.insertUser(trx, {
        account_id: this.deps.accountId, email, name, role: request.role ?? 'member', state: 'invited',
        created_at: this.now(), activated_at: null,
      });
    }
    const invitation = await this.issue(trx, user, admin, 'invitation', null);
    return { value: await this.mustView(trx, user.id), subject: email, invitationId: invitation.id, detail: { role: request.role ?? user.role } };
  }

  /** A new pending invitation (closing `replaces`), with its email enqueued in the same transaction. */
  private async issue(trx: Trx, user: UserRow, inviter: UserRow, kind: 'invitation' | 'new-invitation', replaces: string | null) {
    const now = this.now();
    await checkHourlyCap(this.deps.limits, trx, this.deps.accountId, now);
    const invitation = {
      id: randomUUID(), public_id: newPublicId(), account_id: this.deps.accountId, user_id: user.id, inviter_id: inviter.id,
      sent_at: now, expires_at: new Date(now.getTime() + this.deps.invitationTtlMs), state: 'pending' as const,
      closed_at: null, superseded_by: null, last_resent_at: null, delivery_detail: null, delivery_updated_at: null, message_id: null,
    };
    if (replaces) await repo.updateInvitation(trx, replaces, { state: 'superseded', closed_at: now, superseded_by: invitation.id });
    await repo.insertInvitation(trx, invitation);
    await this.deps.queue.enqueue(trx, 'email.send', { invitationId: invitation.id, kind });
    return invitation;
  }

  /** Locks the target user and checks `action` against their state as it is now. */
  private async allowed(trx: Trx, target: Target, action: Action): Promise<{ user: UserRow; open: InvitationRow; status: UserStatus }> {
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

  private async view(db: Db | Trx, target: Target): Promise<UserView | null> {
    const user = 'userId' in target ? { id: target.userId } : await repo.findUser(db, this.deps.accountId, target);
    return user ? repo.userView(db, this.deps.accountId, user.id, this.now()) : null;
  }

  private async mustView(trx: Trx, userId: string): Promise<UserView> {
    const view = await repo.userView(trx, this.deps.accountId, userId, this.now());
    if (!view) throw new Error(`user ${userId} vanished inside its own transaction`);
    return view;
  }

  /**
   * One transaction: check the actor, do the work, write the audit entry. A refusal rolls the work
   * back and is audited on its own, so the trail shows refused attempts too.
   */
  private async act<T>(actor: Actor, action: string, subject: string | null, work: (trx: Trx, admin: UserRow) => Promise<Done<T>>): Promise<Result<T>> {
    try {
      return await this.deps.db.transaction().execute(async (trx) => {
        const admin = await repo.activeAdmin(trx, this.deps.accountId, actor.email);
        if (!admin) fail('not_admin');
        const done = await work(trx, admin);
        await repo.appendAudit(trx, {
          account_id: this.deps.accountId, at: this.now(), actor: `${actor.email} (${actor.via})`, action,
          subject_email: done.subject, invitation_id: done.invitationId ?? null, outcome: 'ok',
          ...(done.detail ? { detail: done.detail } : {}),
        });
        return ok(done.value);
      });
    } catch (err) {
      const constraint = uniqueViolation(err);
      const code = constraint ? CONSTRAINT_ERRORS[constraint] : undefined;
      if (err instanceof DomainFailure) return this.refuse(actor, action, err.error.email ?? subject, err.error);
      if (code) return this.refuse(actor, action, subject, { code, ...(subject ? { email: subject } : {}) });
      throw err;
    }
  }

  private async refuse(actor: Actor, action: string, subject: string | null, error: DomainError): Promise<Result<never>> {
    await repo.appendAudit(this.deps.db, {
      account_id: this.deps.accountId, at: this.now(), actor: `${actor.email} (${actor.via})`, action,
      subject_email: subject, invitation_id: null, outcome: error.code,
    });
    return { ok: false, error };
  }
}
