import { sql, type Updateable } from 'kysely';
import type { Trx } from '../db/database.js';
import type { Role, UsersTable } from '../db/schema.js';
import { type ActionOptions, act, checkTarget, type Done, type ServiceContext, targetKey } from './act.js';
import { anonymize, auditOf } from './audit.js';
import { fail, type Result } from './errors.js';
import type { Action, Actor, Target } from './invitation.js';
import { appendAudit, updateUserAudited } from './repository.js';

/** Who a member action was about, as just written. */
export interface Changed {
  userId: string;
  /** The address the action was about (an erased user's is gone from the database, not from this answer). */
  email: string;
  name: string | null;
  role: Role;
}

/**
 * The actions on people who have joined (and the erasure of anyone): change role, block, unblock,
 * remove from the account, erase personal data. Each is one transaction with the actor's and the
 * target's rows locked together (see THE rule in invitation.ts for why that keeps an admin).
 */
export function memberActions(ctx: ServiceContext) {
  /** One state or role change on the locked target, with its audit entry, in one statement. */
  function change(
    action: Action,
    auditAction: string,
    values: (now: Date, role: Role) => Updateable<UsersTable>,
  ): (actor: Actor, target: Target, options?: ActionOptions) => Promise<Result<Done<Changed>>> {
    return (actor, target, options) =>
      act(
        ctx,
        actor,
        { action: auditAction, target: targetKey(target) },
        async (trx, parties) => {
          const now = ctx.clock();
          const c = await checkTarget(ctx, trx, { parties, action, target, withInvitation: false });
          const set = values(now, c.user.role);
          await updateUserAudited(
            trx,
            c.user.id,
            set,
            auditOf(actor, auditAction, now, 'ok', {
              subject_email: c.user.email,
              ...(set.role ? { detail: { role: set.role } } : {}),
            }),
          );
          return { userId: c.user.id, email: c.user.email, name: c.user.name, role: (set.role as Role) ?? c.user.role };
        },
        options,
      );
  }

  const stateAt = (state: 'active' | 'blocked' | 'disabled') => (now: Date) => ({ state, state_changed_at: now });

  return {
    /** Admin ↔ member. A demoted admin loses admin rights at once: every action checks the role. */
    changeRole(actor: Actor, target: Target, role: Role, options?: ActionOptions): Promise<Result<Done<Changed>>> {
      return change('change_role', 'change_role', (_now, current) => {
        if (current === role) fail('not_allowed_now', { detail: `the role is already ${role}` });
        return { role };
      })(actor, target, options);
    },
    /** Restricts an Active user (e.g. over a security concern); can be undone with unblock. */
    block: change('block', 'block', stateAt('blocked')),
    unblock: change('unblock', 'unblock', stateAt('active')),
    /** Removes someone from the account: record and history stay, and they can be invited again. */
    remove: change('remove', 'remove', stateAt('disabled')),

    /**
     * GDPR erasure: the email, the name and the links go; the row stays as an anonymous tombstone
     * (its id is all the audit trail keeps), and the address can be invited again as a new person.
     */
    erase(actor: Actor, target: Target, options?: ActionOptions): Promise<Result<Done<Changed>>> {
      return act(
        ctx,
        actor,
        { action: 'erase', target: targetKey(target) },
        async (trx, parties) => {
          const now = ctx.clock();
          const c = await checkTarget(ctx, trx, { parties, action: 'erase', target, withInvitation: false });
          await eraseRows(trx, { accountId: actor.accountId, userId: c.user.id, email: c.user.email, now });
          // The entry names nobody: the subject is the anonymous id only.
          await appendAudit(trx, { ...auditOf(actor, 'erase', now), subject_user_id: c.user.id });
          return { userId: c.user.id, email: c.user.email, name: c.user.name, role: c.user.role };
        },
        options,
      );
    },
  };
}

/** Everything that names the person goes; what is left says only that user N existed. */
async function eraseRows(trx: Trx, p: { accountId: string; userId: string; email: string; now: Date }): Promise<void> {
  await trx
    .updateTable('invitations')
    .set({ state: 'cancelled', closed_at: p.now })
    .where('user_id', '=', p.userId)
    .where('state', '=', 'pending')
    .execute();
  await trx
    .updateTable('invitations')
    .set({ public_id: null, delivery_detail: null, message_id: null })
    .where('user_id', '=', p.userId)
    .execute();
  await trx
    .updateTable('users')
    .set({ state: 'deleted', email: null, name: null, state_changed_at: p.now })
    .where('id', '=', p.userId)
    .execute();
  await anonymize(trx, p.accountId, p.userId, p.email);
  await trx
    .updateTable('notice_posts')
    .set({ recipient_email: null, state: sql`case when state = 'pending' then 'skipped' else state end` })
    .where('account_id', '=', p.accountId)
    .where(sql<string>`lower(recipient_email)`, '=', p.email.toLowerCase())
    .execute();
  await trx
    .updateTable('email_events')
    .set({ detail: null })
    .where('invitation_id', 'in', (qb) => qb.selectFrom('invitations').select('id').where('user_id', '=', p.userId))
    .execute();
}
