import type { Db } from '../db/database.js';
import { ensureAdmin } from '../invitations/bootstrap.js';
import { ok, type Result } from '../invitations/errors.js';
import type { Clock } from '../invitations/invitation.js';
import { activeAdmin } from '../invitations/repository.js';
import { normalizeEmail } from '../text/email.js';
import type { Sealer } from './crypto.js';
import * as repo from './repository.js';

/** Where an installation lives: a workspace, or (org-wide install) an Enterprise Grid org. */
export interface InstallTarget {
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
}

/** The row key of an install target. */
export const installKey = (t: InstallTarget): string =>
  t.isEnterpriseInstall ? `E:${t.enterpriseId ?? ''}` : `T:${t.teamId ?? ''}`;

/**
 * The keys to look a request up by, most specific first: a workspace's own installation, then its
 * org's org-wide one (one install serves every workspace of the org).
 */
export function lookupKeys(t: InstallTarget): string[] {
  if (t.isEnterpriseInstall) return t.enterpriseId ? [`E:${t.enterpriseId}`] : [];
  return [...(t.teamId ? [`T:${t.teamId}`] : []), ...(t.enterpriseId ? [`E:${t.enterpriseId}`] : [])];
}

export interface Installed {
  accountId: string;
  /** The installation as the Slack SDK stores it (tokens included); null for the env-token install. */
  payload: string | null;
  source: 'oauth' | 'env';
}

/** For a new installation: the account it creates (named by the installer) or an existing one. */
export type Binding = { create: { name: string; adminEmail: string | null } } | { accountId: string };

/**
 * Slack installations, each bound to exactly one Marketplace account. Tokens are sealed at rest
 * (crypto.ts) with the install key as context. A reinstall or a token rotation keeps the binding;
 * uninstalling deletes the tokens and keeps the binding, so requests for it are no longer served.
 */
export class InstallationService {
  constructor(private readonly deps: { db: Db; clock: Clock; sealer: Sealer }) {}

  async install(p: {
    target: InstallTarget;
    botUserId: string | null;
    installerUserId: string | null;
    payload: string | null;
    source: 'oauth' | 'env';
    binding: Binding;
  }): Promise<Result<{ accountId: string; created: boolean }>> {
    const key = installKey(p.target);
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (trx) => {
      const known = await repo.byKey(trx, key);
      let accountId = known?.account_id;
      let created = false;
      if (!accountId) {
        if ('accountId' in p.binding) accountId = p.binding.accountId;
        else {
          const name = p.binding.create.name.trim().slice(0, 100);
          accountId = await repo.createAccount(trx, name);
          if (!accountId) {
            return {
              ok: false,
              error: { code: 'invalid_input', detail: `An account named "${name}" exists already.` },
            };
          }
          created = true;
          const email = p.binding.create.adminEmail ? normalizeEmail(p.binding.create.adminEmail) : null;
          if (email) await ensureAdmin(trx, accountId, email, now, 'Slack install');
        }
      }
      const secret = p.payload === null ? null : this.deps.sealer.seal(p.payload, key);
      await repo.upsert(trx, {
        install_key: key,
        team_id: p.target.teamId,
        enterprise_id: p.target.enterpriseId,
        is_enterprise_install: p.target.isEnterpriseInstall,
        account_id: accountId,
        bot_user_id: p.botUserId,
        installer_user_id: p.installerUserId,
        secret,
        source: p.source,
        installed_at: now,
        updated_at: now,
        revoked_at: null,
      });
      return ok({ accountId, created });
    });
  }

  /**
   * Whether `target` is bound to an account already (live or uninstalled): a (re)install then keeps
   * that account and creates none, so there is no first admin to look up.
   */
  async isBound(target: InstallTarget): Promise<boolean> {
    return (await repo.byKey(this.deps.db, installKey(target))) !== undefined;
  }

  /** The live installation serving a request from `target`, or null (unknown or uninstalled). */
  async find(target: InstallTarget): Promise<Installed | null> {
    const row = await repo.firstLive(this.deps.db, lookupKeys(target));
    if (!row) return null;
    const payload = row.secret === null ? null : this.deps.sealer.open(row.secret, row.install_key);
    return { accountId: row.account_id, payload, source: row.source };
  }

  /** `app_uninstalled` / `tokens_revoked`: the tokens are deleted; returns the accounts whose installation ended. */
  async uninstall(target: InstallTarget): Promise<string[]> {
    return repo.revoke(this.deps.db, [installKey(target)], this.deps.clock());
  }

  /**
   * A single bot token (SLACK_BOT_TOKEN) works for this workspace: it is recorded as an installation
   * of the deployment's account (no token stored: the environment holds it). A deployment that later
   * turns on "Add to Slack" finds the workspace bound to its account when it reinstalls.
   */
  async recordTokenInstall(home: { teamId: string | null; enterpriseId: string | null }, accountId: string) {
    if (!home.teamId) return;
    const target = { teamId: home.teamId, enterpriseId: home.enterpriseId, isEnterpriseInstall: false };
    const known = await repo.byKey(this.deps.db, installKey(target));
    if (known && known.revoked_at === null && known.account_id === accountId) return;
    await this.install({
      target,
      botUserId: null,
      installerUserId: null,
      payload: null,
      source: 'env',
      binding: { accountId },
    });
  }

  /** Where the account is installed, for its workers' Slack calls; null when nowhere (or uninstalled). */
  async targetOfAccount(accountId: string): Promise<InstallTarget | null> {
    const row = (await repo.liveOfAccount(this.deps.db, accountId))[0];
    return row
      ? { teamId: row.team_id, enterpriseId: row.enterprise_id, isEnterpriseInstall: row.is_enterprise_install }
      : null;
  }

  async accountName(accountId: string): Promise<string> {
    return (await repo.accountName(this.deps.db, accountId)) ?? '';
  }

  /**
   * The CLI's `bind`: serve an installation with an existing account instead of the one it made.
   * Only an Active admin of THAT account may, checked in the transaction that moves it.
   */
  async bind(target: InstallTarget, accountName: string, actorEmail: string): Promise<Result<{ accountId: string }>> {
    return this.deps.db.transaction().execute(async (trx) => {
      const accountId = await repo.accountIdByName(trx, accountName);
      if (!accountId || !(await activeAdmin(trx, accountId, actorEmail)))
        return { ok: false, error: { code: 'not_admin' } } as const;
      const bound = await repo.rebind(trx, installKey(target), accountId, this.deps.clock());
      return bound
        ? ok({ accountId })
        : { ok: false, error: { code: 'invalid_input', detail: `No installation for ${installKey(target)}.` } };
    });
  }
}
