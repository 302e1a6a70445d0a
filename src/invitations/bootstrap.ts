import type { Db, Executor } from '../db/database.js';
import { normalizeEmail } from '../text/email.js';
import type { Clock } from './invitation.js';
import { appendAudit, findUser, insertUser } from './repository.js';

/**
 * ADMIN_EMAILS bootstrap: each address ends up an Active admin; running it twice changes nothing.
 * It is how a deployment gets its first admin, and how an operator regains access, so it may
 * reinstate a Blocked or Disabled admin, but it never resurrects an erased person's data.
 */
export async function ensureAdmins(
  deps: { db: Db; accountId: string; clock: Clock },
  emails: readonly string[],
): Promise<void> {
  for (const raw of emails) {
    const email = normalizeEmail(raw);
    if (!email) continue;
    await deps.db.transaction().execute((trx) => ensureAdmin(trx, deps.accountId, email, deps.clock(), 'ADMIN_EMAILS'));
  }
}

/** One address made an Active admin of one account, in the caller's transaction; `why` names the source. */
export async function ensureAdmin(
  trx: Executor,
  accountId: string,
  email: string,
  now: Date,
  why: string,
): Promise<void> {
  const user = await findUser(trx, accountId, { email });
  if (user?.state === 'active' && user.role === 'admin') return;
  if (user) {
    // Promoting an invitee: their pending link must not linger as a second way in.
    await trx
      .updateTable('invitations')
      .set({ state: 'cancelled', closed_at: now })
      .where('user_id', '=', user.id)
      .where('state', '=', 'pending')
      .execute();
    await trx
      .updateTable('users')
      .set({ role: 'admin', state: 'active', activated_at: user.activated_at ?? now, state_changed_at: now })
      .where('id', '=', user.id)
      .execute();
  }
  const row =
    user ??
    (await insertUser(trx, {
      account_id: accountId,
      email,
      name: null,
      role: 'admin',
      state: 'active',
      created_at: now,
      activated_at: now,
      state_changed_at: now,
    }));
  await appendAudit(trx, {
    account_id: accountId,
    at: now,
    actor_kind: 'system',
    actor_id: why,
    actor_email: null,
    action: 'bootstrap_admin',
    subject_email: email,
    subject_user_id: row.id,
    outcome: 'ok',
  });
}
