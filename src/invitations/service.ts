import { normalizeEmail } from '../commands/email.js';
import type { Trx } from '../db/database.js';
import type { Role, UserRow } from '../db/schema.js';
import { fail, ok, type Result } from './errors.js';
import {
  type Actor,
  type HistoryEntry,
  type ListPage,
  type ListQuery,
  statusOf,
  type Target,
  type UserView,
} from './invitation.js';
import { checkHourlyCap, checkResendCooldown } from './limits.js';
import { cleanName } from './names.js';
import * as repo from './repository.js';
import { asDomainError, type Done, invalidEmail, ServiceCore } from './service-core.js';

export type { ServiceDeps } from './service-core.js';

export interface InviteRequest {
  email: string;
  name?: string | null;
  role?: Role;
}
export interface InviteOutcome {
  email: string;
  result: Result<UserView>;
}

/**
 * Every rule about invitations for admins. Each public method is one transaction that re-checks,
 * at that moment, that the actor is an Active admin and that the action is allowed for the user's
 * current state; adapters only parse and render.
 */
export class InvitationService extends ServiceCore {
  async isAdmin(email: string): Promise<boolean> {
    return (await repo.activeAdmin(this.deps.db, this.deps.accountId, email)) !== undefined;
  }

  async list(actor: Actor, query: ListQuery): Promise<Result<ListPage>> {
    if (!(await this.isAdmin(actor.email))) return { ok: false, error: { code: 'not_admin' } };
    const pageSize = Math.max(1, Math.min(query.pageSize, 100));
    const page = Math.max(1, Math.floor(query.page));
    const r = await repo.listUsers(
      this.deps.db,
      this.deps.accountId,
      query.filter,
      this.now(),
      pageSize,
      (page - 1) * pageSize,
    );
    return ok({ ...r, page, pageCount: Math.max(1, Math.ceil(r.total / pageSize)) });
  }

  /** The current row of one user, e.g. to redraw it after an action. */
  async user(actor: Actor, target: Target): Promise<Result<UserView>> {
    if (!(await this.isAdmin(actor.email))) return { ok: false, error: { code: 'not_admin' } };
    const view = await this.view(this.deps.db, target);
    return view
      ? ok(view)
      : { ok: false, error: { code: 'user_not_found', ...('email' in target ? { email: target.email } : {}) } };
  }

  async invite(actor: Actor, requests: readonly InviteRequest[]): Promise<Result<InviteOutcome[]>> {
    if (!(await this.isAdmin(actor.email))) return { ok: false, error: { code: 'not_admin' } };
    if (requests.length === 1) {
      const request = requests[0]!;
      const email = normalizeEmail(request.email);
      const result = email
        ? await this.act(actor, 'invite', email, (trx, admin) => this.inviteOne(trx, admin, { ...request, email }))
        : await this.refuse(this.deps.db, actor, 'invite', request.email, invalidEmail(request.email));
      return ok([{ email: email ?? request.email, result }]);
    }
    return this.inviteMany(actor, requests);
  }

  /**
   * Several addresses: ONE transaction with a savepoint per address. A refused address rolls back to
   * its savepoint only, and every email job becomes visible at commit, together, so the worker
   * sends them in a few batch calls instead of a trickle of single ones.
   */
  private async inviteMany(actor: Actor, requests: readonly InviteRequest[]): Promise<Result<InviteOutcome[]>> {
    const trx = await this.deps.db.startTransaction().execute();
    try {
      const admin = await repo.activeAdmin(trx, this.deps.accountId, actor.email);
      if (!admin) {
        await trx.rollback().execute();
        return { ok: false, error: { code: 'not_admin' } };
      }
      const outcomes: InviteOutcome[] = [];
      for (const request of requests) {
        const email = normalizeEmail(request.email);
        if (!email) {
          outcomes.push({
            email: request.email,
            result: await this.refuse(trx, actor, 'invite', request.email, invalidEmail(request.email)),
          });
          continue;
        }
        const sp = await trx.savepoint('address').execute();
        try {
          const done = await this.inviteOne(sp, admin, { ...request, email });
          await this.audit(sp, actor, 'invite', done);
          await sp.releaseSavepoint('address').execute();
          outcomes.push({ email, result: ok(done.value) });
        } catch (err) {
          const error = asDomainError(err, email);
          if (!error) throw err;
          await sp.rollbackToSavepoint('address').execute();
          outcomes.push({ email, result: await this.refuse(trx, actor, 'invite', email, error) });
        }
      }
      await trx.commit().execute();
      return ok(outcomes);
    } catch (err) {
      if (!trx.isCommitted && !trx.isRolledBack) await trx.rollback().execute();
      throw err;
    }
  }

  async copyLink(actor: Actor, target: Target): Promise<Result<{ user: UserView; link: string }>> {
    return this.act(actor, 'copy_link', null, async (trx) => {
      const { user, open } = await this.allowed(trx, target, 'copy_link');
      return {
        value: { user: await this.mustView(trx, user.id), link: this.link(open) },
        subject: user.email,
        invitationId: open.id,
      };
    });
  }

  /** Emails the ORIGINAL invitation again: same link, same expiry. */
  async resend(actor: Actor, target: Target): Promise<Result<UserView>> {
    return this.act(actor, 'resend', null, async (trx) => {
      const { user, open } = await this.allowed(trx, target, 'resend');
      checkResendCooldown(this.deps.limits, open, user.email, this.now());
      await checkHourlyCap(this.deps.limits, trx, this.deps.accountId, this.now());
      await repo.updateInvitation(trx, open.id, {
        resend_count: open.resend_count + 1,
        last_resent_at: this.now(),
        delivery_state: 'queued',
        delivery_detail: null,
      });
      await this.deps.queue.enqueue(trx, 'email.send', { invitationId: open.id, kind: 'resend' });
      return {
        value: await this.mustView(trx, user.id),
        subject: user.email,
        invitationId: open.id,
        detail: { resend: open.resend_count + 1 },
      };
    });
  }

  /** "Send new invitation": only once expired; the old link stops working, a fresh window starts. */
  async sendNew(actor: Actor, target: Target): Promise<Result<UserView>> {
    return this.act(actor, 'send_new', null, async (trx, admin) => {
      const { user, open } = await this.allowed(trx, target, 'send_new');
      const next = await this.issue(trx, user, admin, 'new-invitation', open.id);
      return {
        value: await this.mustView(trx, user.id),
        subject: user.email,
        invitationId: next.id,
        detail: { replaces: open.id },
      };
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

  async history(
    actor: Actor,
    target: Target,
    limit = 50,
  ): Promise<Result<{ user: UserView | null; email: string; entries: HistoryEntry[] }>> {
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
      if (!(await repo.activeAdmin(trx, this.deps.accountId, actor.email)))
        return { ok: false, error: { code: 'not_admin' } } as const;
      await repo.setNoticeChannel(trx, this.deps.accountId, channel);
      await repo.appendAudit(trx, {
        account_id: this.deps.accountId,
        at: this.now(),
        actor: `${actor.email} (${actor.via})`,
        action: 'notify',
        subject_email: null,
        invitation_id: null,
        outcome: 'ok',
        detail: { channel: channel ?? 'off' },
      });
      return ok({ channel });
    });
  }

  private async inviteOne(
    trx: Trx,
    admin: UserRow,
    request: InviteRequest & { email: string },
  ): Promise<Done<UserView>> {
    const { email } = request;
    const name = cleanName(request.name);
    let user = await repo.findUser(trx, this.deps.accountId, { email }, true);
    if (user) {
      if (user.state === 'active') fail('already_active', { email });
      if (user.state === 'invited') {
        const open = await repo.openInvitation(trx, user.id);
        const expired = open && statusOf('invited', open.expires_at, this.now()) === 'expired';
        fail(expired ? 'invitation_expired' : 'already_invited', {
          email,
          ...(open ? { expiresAt: open.expires_at } : {}),
        });
      }
      // Cancelled or declined earlier: the admins may invite again.
      await repo.updateUser(trx, user.id, {
        state: 'invited',
        name: name ?? user.name,
        role: request.role ?? user.role,
      });
    } else {
      user = await repo.insertUser(trx, {
        account_id: this.deps.accountId,
        email,
        name,
        role: request.role ?? 'member',
        state: 'invited',
        created_at: this.now(),
        activated_at: null,
      });
    }
    const invitation = await this.issue(trx, user, admin, 'invitation', null);
    return {
      value: await this.mustView(trx, user.id),
      subject: email,
      invitationId: invitation.id,
      detail: { role: request.role ?? user.role },
    };
  }
}
