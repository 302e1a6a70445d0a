import { type ActionOptions, act, checkTarget, type Done, type ServiceContext, targetKey } from './act.js';
import { auditOf } from './audit.js';
import { fail, type Result } from './errors.js';
import type { Actor, Target } from './invitation.js';
import { DMS_KICK, issueInvitation } from './issue.js';
import { checkHourlyCap, checkResendCooldown, nextEmailSlot } from './limits.js';
import { appendAudit, closeInvitationAudited, DM_RESEND_DUE, updateInvitationAudited } from './repository.js';

/** Who an invitation action was about, as just written: what the confirmation says. */
export interface Invited {
  userId: string;
  email: string;
  name: string | null;
  invitationId: string;
  expiresAt: Date;
  /** Its email waits for the hourly cap until then; absent when it leaves at once. */
  emailQueuedUntil?: Date | null;
}

const invited = (user: { id: string; email: string; name: string | null }, id: string, expiresAt: Date): Invited => ({
  userId: user.id,
  email: user.email,
  name: user.name,
  invitationId: id,
  expiresAt,
});

/** The open invitation the rule just allowed an action on (the rule guarantees there is one). */
function mustBeOpen<T>(open: T | undefined, email: string): T {
  return open ?? fail('no_open_invitation', { email });
}

/** The invitation actions of the ••• menu: copy, resend, send new, cancel. */
export function invitationActions(ctx: ServiceContext) {
  return {
    /** The link of a valid invitation, for the clicking admin only (it is never stored or logged). */
    copyLink(actor: Actor, target: Target, options?: ActionOptions): Promise<Result<Done<Invited & { link: string }>>> {
      return act(
        ctx,
        actor,
        { action: 'copy_link', target: targetKey(target) },
        async (trx, parties) => {
          const c = await checkTarget(ctx, trx, { parties, action: 'copy_link', target, withInvitation: true });
          const open = mustBeOpen(c.open, c.user.email);
          const publicId = open.public_id ?? fail('user_not_found', { email: c.user.email });
          const entry = auditOf(actor, 'copy_link', ctx.clock(), 'ok', { subject_email: c.user.email });
          await appendAudit(trx, { ...entry, subject_user_id: c.user.id, invitation_id: open.id });
          return { ...invited(c.user, open.id, open.expires_at), link: ctx.links.url(publicId) };
        },
        options,
      );
    },

    /** Emails the ORIGINAL invitation again: same link, same expiry. */
    resend(actor: Actor, target: Target, options?: ActionOptions): Promise<Result<Done<Invited>>> {
      return act(
        ctx,
        actor,
        // The account row is locked for its hourly cap (whether it has one is read under that lock).
        { action: 'resend', target: targetKey(target), account: true },
        async (trx, parties) => {
          const now = ctx.clock();
          const c = await checkTarget(ctx, trx, { parties, action: 'resend', target, withInvitation: true, cap: true });
          const open = mustBeOpen(c.open, c.user.email);
          checkResendCooldown(parties.ctx.limits, open, c.user.email, now);
          checkHourlyCap(parties.ctx.limits, c.cap, now);
          const count = open.resend_count + 1;
          await updateInvitationAudited(
            trx,
            open.id,
            // The DM says so too (in the same statement): updated in place when there is one, else looked up again.
            {
              resend_count: count,
              last_resent_at: now,
              delivery_state: 'queued',
              delivery_detail: null,
              ...DM_RESEND_DUE,
            },
            {
              ...auditOf(actor, 'resend', now, 'ok', { subject_email: c.user.email, detail: { resend: count } }),
              email_at: now,
            },
          );
          await ctx.queue.enqueueAll(trx, [
            { name: 'email.send', data: { invitationId: open.id, kind: 'resend' } },
            DMS_KICK,
          ]);
          return invited(c.user, open.id, open.expires_at);
        },
        options,
      );
    },

    /** "Send new invitation": only once expired; the old link stops working, a fresh window starts. */
    sendNew(actor: Actor, target: Target, options?: ActionOptions): Promise<Result<Done<Invited>>> {
      return act(
        ctx,
        actor,
        // The account row is locked for its hourly cap (whether it has one is read under that lock).
        { action: 'send_new', target: targetKey(target), account: true },
        async (trx, parties) => {
          const c = await checkTarget(ctx, trx, {
            parties,
            action: 'send_new',
            target,
            withInvitation: true,
            cap: true,
          });
          const open = mustBeOpen(c.open, c.user.email);
          const next = await issueInvitation(parties.ctx, trx, {
            emailAt: nextEmailSlot(parties.ctx.limits, c.cap, ctx.clock()),
            actor,
            action: 'send_new',
            userId: c.user.id,
            email: c.user.email,
            inviterId: parties.admin.id,
            replaces: open.id,
            user: null,
          });
          return { ...invited(c.user, next.id, next.expiresAt), emailQueuedUntil: next.emailQueuedUntil };
        },
        options,
      );
    },

    cancel(actor: Actor, target: Target, options?: ActionOptions): Promise<Result<Done<Invited>>> {
      return act(
        ctx,
        actor,
        { action: 'cancel', target: targetKey(target) },
        async (trx, parties) => {
          const now = ctx.clock();
          const c = await checkTarget(ctx, trx, { parties, action: 'cancel', target, withInvitation: true });
          const open = mustBeOpen(c.open, c.user.email);
          await closeInvitationAudited(
            trx,
            {
              invitationId: open.id,
              values: { state: 'cancelled', closed_at: now },
              user: { state: 'cancelled', state_changed_at: now },
            },
            auditOf(actor, 'cancel', now, 'ok', { subject_email: c.user.email }),
          );
          await ctx.queue.enqueueAll(trx, [DMS_KICK]);
          return invited(c.user, open.id, open.expires_at);
        },
        options,
      );
    },
  };
}
