import type { ServiceContext } from './act.js';
import { type DomainError, ok, type Result } from './errors.js';
import type { Actor } from './invitation.js';
import { type Invited, invitationActions } from './invitation-actions.js';
import { activeAdmin, expiredInvitations } from './repository.js';

export interface RenewSummary {
  renewed: Invited[];
  /** Expired invitations that changed under us (another admin renewed or cancelled them first). */
  skipped: { email: string | null; code: string }[];
  /** Why the run stopped before the end (the hourly email cap), if it did. */
  stoppedBy?: DomainError;
}

/**
 * Bulk "Send new invitation" to everyone whose invitation has expired. Each renewal is its own
 * short transaction through the very same sendNew (same rule, lock, audit and email), pinned to the
 * invitation that was expired when the list was read: two admins renewing at once renew each
 * invitation once, the second one seeing `stale` or `not_expired` and skipping it.
 */
export function bulkActions(ctx: ServiceContext) {
  const { sendNew } = invitationActions(ctx);
  return {
    async renewAllExpired(actor: Actor): Promise<Result<RenewSummary>> {
      if (!(await activeAdmin(ctx.db, actor.accountId, actor.email)))
        return { ok: false, error: { code: 'not_admin' } };
      const expired = await expiredInvitations(ctx.db, actor.accountId, ctx.clock());
      const summary: RenewSummary = { renewed: [], skipped: [] };
      for (const e of expired) {
        const r = await sendNew(actor, { userId: e.user_id, invitationId: e.id });
        if (r.ok) summary.renewed.push(r.value.value);
        else if (r.error.code === 'not_admin') return { ok: false, error: r.error };
        else if (r.error.code === 'rate_limited') {
          summary.stoppedBy = r.error;
          break;
        } else summary.skipped.push({ email: e.email, code: r.error.code });
      }
      return ok(summary);
    },
  };
}
