import type { ServiceContext } from './act.js';
import { auditOf, historyOf } from './audit.js';
import { ok, type Result } from './errors.js';
import {
  type Actor,
  type HistoryEntry,
  type ListFilter,
  type ListPage,
  type ListQuery,
  MAX_PAGE,
  MAX_PAGE_SIZE,
  type Target,
  type UserView,
} from './invitation.js';
import { listUsers, userView } from './listing.js';
import { activeAdmin, appendAudit, findUser } from './repository.js';

/** Rows per statement while exporting (the list pages are bounded far lower for Slack). */
const EXPORT_PAGE = 500;

const notAdmin = { ok: false, error: { code: 'not_admin' } } as const;

/** A query as the admin typed it, made safe: page and size within bounds, search text trimmed. */
export function boundedQuery(query: ListQuery): ListQuery {
  return {
    filter: query.filter,
    text: query.text?.trim().slice(0, 100) || null,
    userId: query.userId ?? null,
    page: Math.min(MAX_PAGE, Math.max(1, Math.floor(query.page) || 1)),
    pageSize: Math.max(1, Math.min(query.pageSize, MAX_PAGE_SIZE)),
  };
}

/** The read side of the Users page: lists, search, one user's row and their history. Admins only. */
export function queries(ctx: ServiceContext) {
  return {
    async isAdmin(actor: Actor): Promise<boolean> {
      return (await activeAdmin(ctx.db, actor.accountId, actor.email)) !== undefined;
    },

    /** A page of users (filtered, or searched by email, name or id) with the counts per status. */
    async list(actor: Actor, query: ListQuery): Promise<Result<ListPage>> {
      if (!(await activeAdmin(ctx.db, actor.accountId, actor.email))) return notAdmin;
      return ok(await listUsers(ctx.db, actor.accountId, boundedQuery(query), ctx.clock()));
    },

    /** `/users EMAIL`: that one row, as a page so it redraws like any other list. */
    async show(actor: Actor, email: string, pageSize: number): Promise<Result<ListPage>> {
      if (!(await activeAdmin(ctx.db, actor.accountId, actor.email))) return notAdmin;
      const user = await findUser(ctx.db, actor.accountId, { email });
      if (!user) return { ok: false, error: { code: 'user_not_found', email } };
      const query = boundedQuery({ filter: 'all', userId: user.id, page: 1, pageSize });
      return ok(await listUsers(ctx.db, actor.accountId, query, ctx.clock()));
    },

    async history(
      actor: Actor,
      target: Target,
      limit = 50,
    ): Promise<Result<{ email: string | null; userId: string | null; entries: HistoryEntry[] }>> {
      if (!(await activeAdmin(ctx.db, actor.accountId, actor.email))) return notAdmin;
      const key = 'userId' in target ? { userId: target.userId } : { email: target.email };
      const user = await findUser(ctx.db, actor.accountId, key);
      const email = user ? user.email : 'email' in target ? target.email : null;
      const entries = await historyOf(ctx.db, { accountId: actor.accountId, userId: user?.id ?? null, email, limit });
      if (!user && entries.length === 0)
        return { ok: false, error: { code: 'user_not_found', ...(email ? { email } : {}) } };
      return ok({ email, userId: user?.id ?? null, entries });
    },

    /**
     * Every user with `filter`, for an export: all pages, read in one transaction so the file is one
     * moment's picture. Audited, since it hands personal data out of the app.
     */
    async exportUsers(actor: Actor, filter: ListFilter): Promise<Result<{ users: UserView[]; asOf: Date }>> {
      return ctx.db.transaction().execute(async (trx) => {
        if (!(await activeAdmin(trx, actor.accountId, actor.email))) return notAdmin;
        const now = ctx.clock();
        const users: UserView[] = [];
        for (let page = 1; ; page++) {
          const p = await listUsers(trx, actor.accountId, { filter, page, pageSize: EXPORT_PAGE }, now);
          users.push(...p.users);
          if (page >= p.pageCount) break;
        }
        await appendAudit(trx, auditOf(actor, 'export', now, 'ok', { detail: { filter, users: users.length } }));
        return ok({ users, asOf: now });
      });
    },

    /** One user's current row (e.g. a Slack notice redraw). */
    async view(actor: Actor, userId: string) {
      if (!(await activeAdmin(ctx.db, actor.accountId, actor.email))) return notAdmin;
      const view = await userView(ctx.db, actor.accountId, userId, ctx.clock());
      return view ? ok(view) : ({ ok: false, error: { code: 'user_not_found' } } as const);
    },
  };
}
