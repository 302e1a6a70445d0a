import type { ControlledTransaction } from 'kysely';
import type { Trx } from '../db/database.js';
import type { Database, Role, UserRow } from '../db/schema.js';
import { normalizeEmail } from '../text/email.js';
import { cleanName } from '../text/names.js';
import {
  type ActionOptions,
  act,
  asDomainError,
  checkTarget,
  type Done,
  hourBefore,
  refuse,
  type ServiceContext,
  targetKey,
} from './act.js';
import { releaseQueuedEmails } from './email-queue.js';
import { type DomainError, fail, ok, type Result } from './errors.js';
import { type Actor, statusOf, type Target } from './invitation.js';
import type { Invited } from './invitation-actions.js';
import { issueInvitation } from './issue.js';
import { nextEmailSlot } from './limits.js';
import { insertUser, lockParties, openInvitation } from './repository.js';
import { withSettings } from './settings.js';

export interface InviteRequest {
  email: string;
  name?: string | null;
  role?: Role | null;
}
export interface InviteOutcome {
  email: string;
  result: Result<Invited>;
}

/** Why an existing user cannot simply be invited (null: they may be invited again). */
const REFUSED: Record<string, DomainError['code'] | null> = {
  invited: 'already_invited',
  expired: 'invitation_expired',
  active: 'already_active',
  blocked: 'user_blocked',
  disabled: null,
  declined: null,
  cancelled: null,
};

/** Addresses a bulk invite did not reach because the admin lost their rights midway. */
export const refuseRest = (rest: readonly InviteRequest[], error: DomainError): InviteOutcome[] =>
  rest.map((r) => ({ email: r.email, result: { ok: false, error: { ...error, email: r.email } } }));

/** Addresses per transaction of a bulk invite: ~25 ms each on PGlite, a fraction of a second a chunk. */
export const INVITE_CHUNK = 10;
const CHUNK_PAUSE_MS = 10;
/**
 * A pause between chunks, not just a turn of the event loop: another request's NEXT query is only
 * issued once its previous one answered, so a bare yield would let each wait a whole chunk.
 */
export const chunkPause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, CHUNK_PAUSE_MS));

export const invalidEmail = (raw: string): DomainError => ({ code: 'invalid_email', detail: raw.slice(0, 100) });

/**
 * Invites one address in the caller's transaction: a new person, or "Invite again" for someone
 * Disabled, Declined or Cancelled. `user` is their row, already locked by the caller; `ctx` has the
 * account's settings in force.
 */
async function inviteAddress(
  ctx: ServiceContext,
  trx: Trx,
  p: {
    actor: Actor;
    admin: UserRow;
    user: UserRow | undefined;
    email: string;
    request: Omit<InviteRequest, 'email'>;
    /** Hold the email for releaseQueuedEmails (a bulk invite hands them over together). */
    hold?: boolean;
  },
): Promise<Invited> {
  const { actor, user, email } = p;
  const now = ctx.clock();
  const cap = ctx.limits.hourlyEmailCap === null ? null : { since: hourBefore(now), n: ctx.limits.hourlyEmailCap };
  const read = await openInvitation(trx, {
    userId: user?.state === 'invited' ? user.id : null,
    accountId: actor.accountId,
    cap,
  });
  if (user) {
    const refused = REFUSED[statusOf(user.state, read.open?.expires_at ?? null, now)];
    if (refused !== null)
      fail(refused ?? 'user_not_found', { email, ...(read.open ? { expiresAt: read.open.expires_at } : {}) });
  }
  const name = cleanName(p.request.name) ?? user?.name ?? null;
  const role = p.request.role ?? user?.role ?? 'member';
  const row =
    user ??
    (await insertUser(trx, {
      account_id: actor.accountId,
      email,
      name,
      role,
      state: 'invited',
      created_at: now,
      activated_at: null,
      state_changed_at: now,
    }));
  const next = await issueInvitation(ctx, trx, {
    emailAt: nextEmailSlot(ctx.limits, read, now),
    hold: p.hold ?? false,
    actor,
    action: 'invite',
    userId: row.id,
    email,
    inviterId: p.admin.id,
    replaces: null,
    // Disabled, Declined or Cancelled earlier: the admins may invite again.
    user: user ? { state: 'invited', name, role, state_changed_at: now } : null,
    detail: { role, ...(user ? { again: true } : {}) },
  });
  return {
    userId: row.id,
    email,
    name,
    invitationId: next.id,
    expiresAt: next.expiresAt,
    emailQueuedUntil: next.emailQueuedUntil,
  };
}

/** What a durable bulk run adds to a chunk's transaction (src/invitations/bulk-requests.ts). */
export interface ChunkHooks {
  /** First, under a lock: false when another run already did this chunk (nothing is done then). */
  claim(trx: Trx): Promise<boolean>;
  /** Last, before the commit: the progress and outcomes commit with the invitations or not at all. */
  record(trx: Trx, outcomes: InviteOutcome[]): Promise<void>;
}

/**
 * One chunk of a bulk invite: one short transaction (a savepoint per address, so a refused address
 * rolls back alone) that checks the admin again. null: `hooks.claim` said another run did it.
 */
export async function inviteChunk(
  ctx: ServiceContext,
  actor: Actor,
  requests: readonly InviteRequest[],
  hooks?: ChunkHooks,
): Promise<Result<InviteOutcome[]> | null> {
  const trx = await ctx.db.startTransaction().execute();
  try {
    if (hooks && !(await hooks.claim(trx))) {
      await trx.rollback().execute();
      return null;
    }
    const { actor: admin, settings } = await lockParties(trx, {
      accountId: actor.accountId,
      actorEmail: actor.email,
      target: null,
      account: true,
    });
    if (admin?.state !== 'active' || admin.role !== 'admin') {
      await trx.rollback().execute();
      await refuse(ctx.db, actor, 'invite', { code: 'not_admin' }, ctx.clock());
      return { ok: false, error: { code: 'not_admin' } };
    }
    const outcomes: InviteOutcome[] = [];
    const account = withSettings(ctx, settings);
    for (const request of requests) outcomes.push(await inviteSaved(account, trx, actor, admin, request));
    await hooks?.record(trx, outcomes);
    await trx.commit().execute();
    return ok(outcomes);
  } catch (err) {
    if (!trx.isCommitted && !trx.isRolledBack) await trx.rollback().execute();
    throw err;
  }
}

/** One address of many, behind its own savepoint: a refusal rolls back this address only. */
async function inviteSaved(
  ctx: ServiceContext,
  trx: ControlledTransaction<Database>,
  actor: Actor,
  admin: UserRow,
  request: InviteRequest,
): Promise<InviteOutcome> {
  const email = normalizeEmail(request.email);
  if (!email) {
    const error = invalidEmail(request.email);
    await refuse(trx, actor, 'invite', error, ctx.clock());
    return { email: request.email, result: { ok: false, error } };
  }
  const sp = await trx.savepoint('address').execute();
  try {
    const { target } = await lockParties(sp, {
      accountId: actor.accountId,
      actorEmail: actor.email,
      target: { email },
      account: false,
    });
    const value = await inviteAddress(ctx, sp, { actor, admin, user: target, email, request, hold: true });
    await sp.releaseSavepoint('address').execute();
    return { email, result: ok(value) };
  } catch (err) {
    const error = asDomainError(err, email);
    if (!error) throw err;
    await sp.rollbackToSavepoint('address').execute();
    await refuse(trx, actor, 'invite', { ...error, email }, ctx.clock());
    return { email, result: { ok: false, error: { ...error, email } } };
  }
}

export function inviting(ctx: ServiceContext) {
  /**
   * Several addresses, in chunks of INVITE_CHUNK: each chunk is one short transaction (a savepoint
   * per address, so a refused address rolls back alone) that checks the admin again, and the event
   * loop is yielded between chunks, so on PGlite's single connection another admin's request gets
   * its turn within one chunk's time instead of waiting for the whole list (issue 14 item 7). The
   * emails are held (email_due_at) and handed to the worker after the last chunk in 500-message
   * batches; if the process dies midway, the next sweep hands over those of the committed chunks.
   */
  async function inviteMany(actor: Actor, requests: readonly InviteRequest[]): Promise<Result<InviteOutcome[]>> {
    const outcomes: InviteOutcome[] = [];
    for (let i = 0; i < requests.length || i === 0; i += INVITE_CHUNK) {
      const chunk = await inviteChunk(ctx, actor, requests.slice(i, i + INVITE_CHUNK));
      if (!chunk) continue; // only with hooks, which this synchronous run has none of
      if (!chunk.ok) return outcomes.length ? ok([...outcomes, ...refuseRest(requests.slice(i), chunk.error)]) : chunk;
      outcomes.push(...chunk.value);
      await chunkPause();
    }
    await releaseQueuedEmails(ctx);
    return ok(outcomes);
  }

  return {
    /** "Invite again" from a row: someone Disabled, Declined or Cancelled gets a new invitation. */
    inviteAgain(actor: Actor, target: Target, options?: ActionOptions): Promise<Result<Done<Invited>>> {
      return act(
        ctx,
        actor,
        { action: 'invite', target: targetKey(target), account: true },
        async (trx, parties) => {
          const c = await checkTarget(ctx, trx, { parties, action: 'invite_again', target, withInvitation: false });
          return inviteAddress(parties.ctx, trx, {
            actor,
            admin: parties.admin,
            user: c.user,
            email: c.user.email,
            request: {},
          });
        },
        options,
      );
    },

    async invite(actor: Actor, requests: readonly InviteRequest[]): Promise<Result<InviteOutcome[]>> {
      if (requests.length !== 1) return inviteMany(actor, requests);
      const request = requests[0] as InviteRequest;
      const email = normalizeEmail(request.email);
      if (!email) {
        const error = invalidEmail(request.email);
        await refuse(ctx.db, actor, 'invite', error, ctx.clock());
        return ok([{ email: request.email, result: { ok: false, error } }]);
      }
      const r = await act(ctx, actor, { action: 'invite', target: { email }, account: true }, (trx, parties) =>
        inviteAddress(parties.ctx, trx, { actor, admin: parties.admin, user: parties.target, email, request }),
      );
      if (!r.ok && r.error.code === 'not_admin') return r;
      return ok([{ email, result: r.ok ? ok(r.value.value) : r }]);
    },
  };
}
