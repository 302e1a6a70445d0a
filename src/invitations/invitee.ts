import type { Db, Executor, Trx } from '../db/database.js';
import type { Enqueue, EnqueueAll } from '../db/queue.js';
import type { InvitationRow } from '../db/schema.js';
import { checkNames, type NameCheck } from '../text/names.js';
import { DomainFailure, type ErrorCode, fail, ok, type Result } from './errors.js';
import { type Clock, type Person, statusOf } from './invitation.js';
import { DMS_KICK } from './issue.js';
import type { Links } from './links.js';
import { appendAudit } from './repository.js';

/** What the invite page shows; also carried by a dead link so the page can name the inviter. */
export interface InvitationDetails {
  accountName: string;
  invitee: Person;
  inviter: Person | null;
  sentAt: Date;
  expiresAt: Date;
}

/** An expired invitation someone asks to renew (see `whileExpired`). */
export interface ExpiredInvitation {
  id: string;
  accountId: string;
  userId: string;
  email: string;
}

export type LinkResult<T> = Result<T> & {
  details?: InvitationDetails;
  /** A refused accept: the names as checked (trimmed), to show the form again. */
  names?: Pick<NameCheck, 'firstName' | 'lastName'>;
};

export interface InviteeDeps {
  db: Db;
  queue: { enqueue: Enqueue; enqueueAll: EnqueueAll };
  clock: Clock;
  links: Links;
}

const CLOSED: Record<Exclude<InvitationRow['state'], 'pending'>, ErrorCode> = {
  accepted: 'link_accepted',
  declined: 'link_declined',
  cancelled: 'link_cancelled',
  superseded: 'link_superseded',
};

/** The invitation behind a public id, with the people and the account a page names: one statement. */
function detailsQuery(db: Executor, publicId: string) {
  return db
    .selectFrom('invitations as i')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .innerJoin('accounts as a', 'a.id', 'i.account_id')
    .leftJoin('users as inv', 'inv.id', 'i.inviter_id')
    .where('i.public_id', '=', publicId)
    .select([
      'i.id',
      'i.account_id',
      'i.user_id',
      'i.state',
      'i.sent_at',
      'i.expires_at',
      'u.email',
      'u.name',
      'u.state as user_state',
      'a.name as account_name',
      'inv.email as inviter_email',
      'inv.name as inviter_name',
    ])
    .executeTakeFirst();
}

/**
 * The invitee's side: opening, accepting and declining a link. Opening never writes (mail scanners
 * and link previews fetch links); accept and decline are single transactions that lock the user and
 * then the invitation (the order admin actions use), so a double submit finds it already answered.
 */
export function createInviteeService(deps: InviteeDeps) {
  /** The invitation behind a token and what a page says about it; unknown, erased or blocked: a failure. */
  async function locate(db: Executor, token: string) {
    const publicId = deps.links.verify(token);
    const row = publicId ? await detailsQuery(db, publicId) : undefined;
    // Unknown, forged and erased links get the same answer: a page must not reveal what exists.
    if (!publicId || !row?.email) fail('link_invalid');
    const details: InvitationDetails = {
      accountName: row.account_name,
      invitee: { name: row.name, email: row.email },
      inviter: row.inviter_email ? { name: row.inviter_name, email: row.inviter_email } : null,
      sentAt: row.sent_at,
      expiresAt: row.expires_at,
    };
    // Blocked or removed since: the link says only that access is gone, never why.
    if (row.user_state === 'blocked' || row.user_state === 'disabled')
      throw new DetailedFailure('link_no_access', details);
    return { row, details };
  }

  /** The invitation behind a token, if it can still be answered; otherwise a link_* failure. */
  async function resolve(db: Executor, token: string, lock: boolean) {
    return check(db, await locate(db, token), lock);
  }

  async function check(db: Executor, found: Awaited<ReturnType<typeof locate>>, lock: boolean) {
    const { row, details } = found;
    let state = row.state;
    if (lock) {
      await db.selectFrom('users').select('id').where('id', '=', row.user_id).forNoKeyUpdate().execute();
      const locked = await db
        .selectFrom('invitations')
        .select('state')
        .where('id', '=', row.id)
        .forNoKeyUpdate()
        .executeTakeFirst();
      state = locked?.state ?? state;
    }
    if (state !== 'pending') throw new DetailedFailure(CLOSED[state], details);
    if (statusOf('invited', row.expires_at, deps.clock()) === 'expired')
      throw new DetailedFailure('link_expired', details);
    return { row, details };
  }

  async function answer(
    token: string,
    verdict: 'accepted' | 'declined',
    name: string | null,
  ): Promise<LinkResult<InvitationDetails>> {
    try {
      return await deps.db.transaction().execute(async (trx) => {
        const { row, details } = await resolve(trx, token, true);
        const now = deps.clock();
        await trx.updateTable('invitations').set({ state: verdict, closed_at: now }).where('id', '=', row.id).execute();
        await trx
          .updateTable('users')
          .set(
            verdict === 'accepted'
              ? { state: 'active', activated_at: now, state_changed_at: now, ...(name ? { name } : {}) }
              : { state: 'declined', state_changed_at: now },
          )
          .where('id', '=', row.user_id)
          .execute();
        await appendAudit(trx, {
          account_id: row.account_id,
          at: now,
          actor_kind: 'invitee',
          actor_id: null,
          actor_email: details.invitee.email,
          action: verdict === 'accepted' ? 'accept' : 'decline',
          subject_email: details.invitee.email,
          subject_user_id: row.user_id,
          invitation_id: row.id,
          outcome: 'ok',
        });
        // The news, and a wake-up for the DM worker: a DM of this invitation now shows the answer.
        await deps.queue.enqueueAll(trx, [
          { name: 'invitation.answered', data: { invitationId: row.id, answer: verdict } },
          DMS_KICK,
        ]);
        const answered = { ...details, invitee: { ...details.invitee, name: name ?? details.invitee.name } };
        return { ...ok(answered), details: answered };
      });
    } catch (err) {
      return asResult(err);
    }
  }

  async function open(token: string): Promise<LinkResult<InvitationDetails>> {
    return resolve(deps.db, token, false).then(({ details }) => ({ ...ok(details), details }), asResult);
  }

  return {
    open,

    /**
     * Runs `record` in a transaction holding the invitation's row, only while the link is expired and
     * nothing replaced it (what an invitee may ask a new invitation for); otherwise the link's failure,
     * or `not_expired` for a link that still works.
     */
    async whileExpired<T>(
      token: string,
      record: (trx: Trx, invitation: ExpiredInvitation) => Promise<T>,
    ): Promise<LinkResult<T>> {
      try {
        return await deps.db.transaction().execute(async (trx) => {
          const found = await locate(trx, token);
          const usable = await check(trx, found, true).then(
            () => true,
            (err: unknown) => {
              if (err instanceof DetailedFailure && err.error.code === 'link_expired') return false;
              throw err;
            },
          );
          if (usable) fail('not_expired');
          const { row, details } = found;
          const value = await record(trx, {
            id: row.id,
            accountId: row.account_id,
            userId: row.user_id,
            email: details.invitee.email,
          });
          return { ...ok(value), details };
        });
      } catch (err) {
        return asResult(err);
      }
    },

    /** Accepts with the names the invitee typed; unusable names are refused per field (invalid_input). */
    async accept(
      token: string,
      typed: { firstName: string; lastName: string },
    ): Promise<LinkResult<InvitationDetails>> {
      const checked = checkNames(typed);
      if (!checked.errors) return answer(token, 'accepted', `${checked.firstName} ${checked.lastName}`.trim() || null);
      const opened = await open(token);
      if (!opened.ok) return opened;
      const names = { firstName: checked.firstName, lastName: checked.lastName };
      return {
        ok: false,
        error: { code: 'invalid_input', detail: 'Check your name.', fields: checked.errors },
        details: opened.details,
        names,
      };
    },

    async decline(token: string): Promise<LinkResult<InvitationDetails>> {
      return answer(token, 'declined', null);
    },
  };
}

export type InviteeService = ReturnType<typeof createInviteeService>;

function asResult(err: unknown): LinkResult<never> {
  if (err instanceof DetailedFailure) return { ok: false, error: err.error, details: err.details };
  if (err instanceof DomainFailure) return { ok: false, error: err.error };
  throw err;
}

class DetailedFailure extends DomainFailure {
  constructor(
    code: ErrorCode,
    readonly details: InvitationDetails,
  ) {
    super({ code, email: details.invitee.email, expiresAt: details.expiresAt });
  }
}
