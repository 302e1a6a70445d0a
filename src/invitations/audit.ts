import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { ActorKind } from '../db/schema.js';
import type { Actor, HistoryEntry } from './invitation.js';
import type { AuditValues } from './repository.js';

/** The audit trail: who did what to whom, stored as columns (kind, id, email), never as one string. */

/** The audit columns of an action by `actor`. */
export function auditOf(
  actor: Actor,
  action: string,
  at: Date,
  outcome = 'ok',
  extra: { subject_email?: string | null; detail?: Record<string, unknown> | null } = {},
): AuditValues {
  return {
    account_id: actor.accountId,
    at,
    actor_kind: actor.kind,
    actor_id: actor.slackUserId ?? null,
    actor_email: actor.email,
    action,
    outcome,
    subject_email: extra.subject_email ?? null,
    detail: extra.detail ?? null,
  };
}

const KIND_WORDS: Partial<Record<ActorKind, string>> = { slack: 'Slack', cli: 'CLI', workflow: 'Workflow Builder' };

/** An actor in words for a history line. */
export function actorWords(kind: ActorKind, email: string | null, id: string | null): string {
  if (kind === 'invitee') return 'the invitee';
  if (kind === 'system') return `the system${id ? ` (${id})` : ''}`;
  if (!email) return 'an erased user';
  const via = KIND_WORDS[kind];
  return via ? `${email} (${via})` : email;
}

/** A user's history, oldest first: entries about them by id, and refusals that named their address. */
export async function historyOf(
  db: Executor,
  p: { accountId: string; userId: string | null; email: string | null; limit: number },
): Promise<HistoryEntry[]> {
  const rows = await db
    .selectFrom('audit_log')
    .select(['at', 'actor_kind', 'actor_id', 'actor_email', 'action', 'outcome', 'detail'])
    .where('account_id', '=', p.accountId)
    .where((eb) =>
      eb.or([
        ...(p.userId ? [eb('subject_user_id', '=', p.userId)] : []),
        ...(p.email
          ? [
              eb.and([
                eb('subject_user_id', 'is', null),
                eb(sql<string>`lower(subject_email)`, '=', p.email.toLowerCase()),
              ]),
            ]
          : []),
        sql<boolean>`false`,
      ]),
    )
    .orderBy('id', 'desc')
    .limit(p.limit)
    .execute();
  return rows.reverse().map((r) => ({
    at: r.at,
    actor: actorWords(r.actor_kind, r.actor_email, r.actor_id),
    action: r.action,
    outcome: r.outcome,
    detail: r.detail,
  }));
}

/**
 * GDPR erasure of the audit trail: every entry about the person keeps only their anonymous user id;
 * entries where they acted (as an admin) lose their email. The append-only trigger allows exactly
 * this and nothing else.
 */
export async function anonymize(db: Executor, accountId: string, userId: string, email: string): Promise<void> {
  await db
    .updateTable('audit_log')
    .set({ subject_email: null })
    .where('account_id', '=', accountId)
    .where((eb) =>
      eb.or([eb('subject_user_id', '=', userId), eb(sql<string>`lower(subject_email)`, '=', email.toLowerCase())]),
    )
    .where('subject_email', 'is not', null)
    .execute();
  await db
    .updateTable('audit_log')
    .set({ actor_email: null })
    .where('account_id', '=', accountId)
    .where(sql<string>`lower(actor_email)`, '=', email.toLowerCase())
    .execute();
}
