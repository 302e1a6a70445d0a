import type { Db, Executor, Trx } from '../db/database.js';
import { uniqueViolation } from '../db/pg-errors.js';
import type { Enqueue, EnqueueAll } from '../db/queue.js';
import type { InvitationRow, UserRow } from '../db/schema.js';
import { auditOf } from './audit.js';
import { type DomainError, DomainFailure, fail, type Result } from './errors.js';
import {
  type Action,
  type Actor,
  type Clock,
  type ListPage,
  type ListQuery,
  refusal,
  statusOf,
  type Target,
  type UserStatus,
} from './invitation.js';
import type { CapReading, SendLimits } from './limits.js';
import type { Links } from './links.js';
import { listUsers } from './listing.js';
import { appendAudit, lockParties, openInvitation, type UserKey } from './repository.js';
import { type AccountSettings, type StoredSettings, withSettings } from './settings.js';

/**
 * What every service function is given: the database, the outbox, the clock and the settings. The
 * settings here are the deployment's defaults; an action works with its account's (`Parties.ctx`).
 */
export interface ServiceContext extends AccountSettings {
  db: Db;
  queue: { enqueue: Enqueue; enqueueAll: EnqueueAll };
  clock: Clock;
  links: Links;
  limits: SendLimits;
}

export interface ActionOptions {
  /** The list to redraw after the action, read in the action's own transaction (no second admin check). */
  redraw?: ListQuery | null;
  /** Extra work in the same transaction (e.g. a channel notice marking itself handled). */
  within?: (trx: Trx) => Promise<void>;
}

/** An action's outcome and, when asked for, the page to redraw. */
export interface Done<T> {
  value: T;
  page: ListPage | null;
}

export interface Parties {
  admin: UserRow;
  target: UserRow | undefined;
  /** The context with the actor's account's settings in force (read with the locks). */
  ctx: ServiceContext;
  /** Those settings as stored (null = the default). */
  stored: StoredSettings;
}

const CONSTRAINT_ERRORS: Record<string, DomainError['code']> = {
  users_email_per_account: 'already_invited',
  invitations_one_open_per_user: 'already_invited',
};

/** A refusal (thrown by a rule, or a race the database caught by constraint), or null if it is a bug. */
export function asDomainError(err: unknown, subject: string | null): DomainError | null {
  if (err instanceof DomainFailure) return err.error;
  const constraint = uniqueViolation(err);
  const code = constraint ? CONSTRAINT_ERRORS[constraint] : undefined;
  return code ? { code, ...(subject ? { email: subject } : {}) } : null;
}

export const targetKey = (target: Target): UserKey =>
  'userId' in target ? { userId: target.userId } : { email: target.email };

/**
 * One action, one transaction, one admin check: the actor's row and the target's are locked
 * together, the actor must be an Active admin at that moment, `work` checks the rule and writes
 * (each write carries its audit entry), then the redraw is read in the same transaction. A refusal
 * rolls everything back and is audited on its own, so the trail shows refused attempts too.
 */
export async function act<T>(
  ctx: ServiceContext,
  actor: Actor,
  spec: { action: string; target: UserKey | null; account?: boolean },
  work: (trx: Trx, parties: Parties) => Promise<T>,
  options: ActionOptions = {},
): Promise<Result<Done<T>>> {
  const subject = spec.target && 'email' in spec.target ? spec.target.email : null;
  try {
    const done = await ctx.db.transaction().execute(async (trx) => {
      const locked = await lockParties(trx, {
        accountId: actor.accountId,
        actorEmail: actor.email,
        target: spec.target,
        account: spec.account ?? false,
      });
      const admin = locked.actor;
      if (admin?.state !== 'active' || admin.role !== 'admin') fail('not_admin');
      const value = await work(trx, {
        admin,
        target: locked.target,
        ctx: withSettings(ctx, locked.settings),
        stored: locked.settings,
      });
      await options.within?.(trx);
      const page = options.redraw ? await listUsers(trx, actor.accountId, options.redraw, ctx.clock()) : null;
      return { value, page };
    });
    return { ok: true, value: done };
  } catch (err) {
    const error = asDomainError(err, subject);
    if (!error) throw err;
    await refuse(ctx.db, actor, spec.action, error, ctx.clock());
    return { ok: false, error };
  }
}

export async function refuse(db: Executor, actor: Actor, action: string, error: DomainError, at: Date): Promise<void> {
  await appendAudit(db, auditOf(actor, action, at, error.code, { subject_email: error.email ?? null }));
}

export interface Checked {
  user: UserRow & { email: string };
  open: InvitationRow | undefined;
  status: UserStatus;
  /** With `cap`: the account's email slots under the hourly cap. */
  cap: CapReading;
}

/**
 * The rule check of one action on the locked target: its status as it is now (the open invitation
 * read in a fresh statement), a click on a row drawn before another admin acted, and THE rule.
 */
export async function checkTarget(
  ctx: ServiceContext,
  trx: Trx,
  p: { parties: Parties; action: Action; target: Target; withInvitation: boolean; cap?: boolean },
): Promise<Checked> {
  const { admin, target: user, ctx: account } = p.parties;
  const named = 'email' in p.target ? { email: p.target.email } : {};
  if (!user || user.email === null) fail('user_not_found', named);
  const now = ctx.clock();
  const cap =
    p.cap && account.limits.hourlyEmailCap !== null
      ? { since: hourBefore(now), n: account.limits.hourlyEmailCap }
      : null;
  const read =
    (p.withInvitation && user.state === 'invited') || cap
      ? await openInvitation(trx, {
          userId: user.state === 'invited' ? user.id : null,
          accountId: user.account_id,
          cap,
        })
      : { open: undefined, capReachedAt: null, lastEmailAt: null };
  const status = statusOf(user.state, read.open?.expires_at ?? null, now);
  const email = user.email;
  // A click on a row drawn before another admin acted: say so rather than act on what changed.
  if (p.target.invitationId && read.open && read.open.id !== p.target.invitationId) fail('stale', { email });
  const refused = refusal(p.action, status, { actorIsAdmin: true, self: admin.id === user.id });
  if (refused) fail(refused, { email, ...(read.open ? { expiresAt: read.open.expires_at } : {}) });
  return { user: { ...user, email }, open: read.open, status, cap: read };
}

export const hourBefore = (now: Date): Date => new Date(now.getTime() - 3_600_000);
