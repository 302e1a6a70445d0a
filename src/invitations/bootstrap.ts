import { normalizeEmail } from '../commands/email.js';
import type { Db } from '../db/database.js';
import type { Clock } from './invitation.js';
import * as repo from './repository.js';

/** ADMIN_EMAILS bootstrap: each address ends up an Active admin; running it twice changes nothing. */
export async function ensureAdmins(
  deps: { db: Db; accountId: string; clock: Clock },
  emails: readonly string[],
): Promise<void> {
  for (const raw of emails) {
    const email = normalizeEmail(raw);
    if (!email) continue;
    await deps.db.transaction().execute(async (trx) => {
      const user = await repo.findUser(trx, deps.accountId, { email }, true);
      if (user?.state === 'active' && user.role === 'admin') return;
      const now = deps.clock();
      if (user) {
        // Promoting an invitee: their pending link must not linger as a second way in.
        const open = await repo.openInvitation(trx, user.id);
        if (open) await repo.updateInvitation(trx, open.id, { state: 'cancelled', closed_at: now });
        await repo.updateUser(trx, user.id, { role: 'admin', state: 'active', activated_at: now });
      } else {
        await repo.insertUser(trx, {
          account_id: deps.accountId,
          email,
          name: null,
          role: 'admin',
          state: 'active',
          created_at: now,
          activated_at: now,
        });
      }
      await repo.appendAudit(trx, {
        account_id: deps.accountId,
        at: now,
        actor: 'system (ADMIN_EMAILS)',
        action: 'bootstrap_admin',
        subject_email: email,
        invitation_id: null,
        outcome: 'ok',
      });
    });
  }
}
