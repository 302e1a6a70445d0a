import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuthorizeResult } from '@slack/bolt';
import { type Installation, type InstallationQuery, InstallProvider } from '@slack/oauth';
import { WebClient } from '@slack/web-api';
import { type InstallFlow, REDIRECT_PATH } from '../installations/flow.js';
import type { InstallationService, Installed, InstallTarget } from '../installations/service.js';
import { databaseUnavailable, describeError } from '../invitations/errors.js';
import type { Logger } from '../log.js';
import { boltLogger } from './bolt-logger.js';
import { slackClientOptions } from './client-options.js';
import { BOT_SCOPES } from './ids.js';

export interface OAuthSettings {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  publicBaseUrl: string;
  slackApiUrl: string | null;
}

/** The install pages' flow, plus Bolt's authorize. */
export interface Installer extends InstallFlow {
  /** Bolt's authorize: the installation's tokens (rotated when due) and the account it serves. */
  authorize(source: InstallationQuery<boolean>): Promise<AuthorizeResult>;
}

const targetOf = (q: {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall?: boolean;
}): InstallTarget => ({
  teamId: q.isEnterpriseInstall ? null : (q.teamId ?? null),
  enterpriseId: q.enterpriseId ?? null,
  isEnterpriseInstall: q.isEnterpriseInstall === true,
});

const targetOfInstallation = (i: Installation): InstallTarget =>
  targetOf({ teamId: i.team?.id, enterpriseId: i.enterprise?.id, isEnterpriseInstall: i.isEnterpriseInstall === true });

/** The account name the installer typed (carried through Slack in the signed state), or a fallback. */
const askedName = (i: Installation): string =>
  i.metadata?.trim() || i.team?.name || i.enterprise?.name || 'Marketplace account';

/** How long a failed token refresh waits before reading the installation again (see authorizeOnce). */
const REFRESH_RACE_MS = 500;
const REFRESH_FAILED = 'slack_token_refresh_failed';
/** InstallProvider answered with a token that has already expired: its refresh did not succeed. */
const stillExpired = (auth: AuthorizeResult): boolean =>
  typeof auth.botTokenExpiresAt === 'number' && auth.botTokenExpiresAt <= Math.floor(Date.now() / 1000);

/**
 * The installation the store found while InstallProvider.authorize ran, for the authorize in progress:
 * its account comes from the same lookup as its tokens (one read and one decryption per request,
 * not two). Scoped to the call, so concurrent requests never see each other's.
 */
const authorizing = new AsyncLocalStorage<{ found?: Installed }>();

/**
 * "Add to Slack" for any number of workspaces and Enterprise Grid orgs, with Slack's own installer
 * (@slack/oauth's InstallProvider: state verification, token rotation) over our installation store
 * (src/installations/: sealed tokens, one account per installation).
 */
export function createInstaller(
  settings: OAuthSettings,
  installations: InstallationService,
  hooks: {
    log: Logger;
    /** A workspace (re)installed the app for this account. */
    installed(accountId: string): Promise<void>;
  },
): Installer {
  const { log } = hooks;
  const clientOptions = slackClientOptions(settings.slackApiUrl);
  const redirectUri = `${settings.publicBaseUrl}${REDIRECT_PATH}`;
  /** The installer's Slack profile email, asked with the new bot token: they become the first admin. */
  const installerEmail = async (i: Installation): Promise<string | null> => {
    if (!i.bot?.token) return null;
    try {
      const info = await new WebClient(i.bot.token, clientOptions).users.info({ user: i.user.id });
      return info.user?.profile?.email ?? null;
    } catch (err) {
      log.warn({ err }, "could not read the installer's Slack profile");
      const reason =
        'Slack did not give us your profile email in time, so the account has no first administrator yet. Please install again.';
      throw Object.assign(new Error(reason), { code: 'account_refused' });
    }
  };
  const provider = new InstallProvider({
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    stateSecret: settings.stateSecret,
    directInstall: true,
    installUrlOptions: { scopes: [...BOT_SCOPES], redirectUri },
    clientOptions,
    logger: boltLogger(log),
    installationStore: {
      // Called by the install callback and by authorize after a token rotation: a target bound
      // already keeps its account, so Slack is asked for the installer's email only for a new one.
      storeInstallation: async (installation) => {
        const i = installation as Installation;
        const target = targetOfInstallation(i);
        const bound = await installations.isBound(target);
        const adminEmail = bound ? null : await installerEmail(i);
        // A new account's first admin is the installer, known by their Slack profile email: without
        // one the account would have nobody to manage it.
        if (!bound && !adminEmail) {
          const reason =
            'Your Slack profile has no email address, and the new account needs its first administrator by email. Add an email to your Slack profile (or ask an administrator who has one to install), then install again.';
          throw Object.assign(new Error(reason), { code: 'account_refused' });
        }
        const r = await installations.install({
          target,
          botUserId: i.bot?.userId ?? null,
          installerUserId: i.user.id,
          payload: JSON.stringify(i),
          source: 'oauth',
          binding: { create: { name: askedName(i), adminEmail } },
        });
        if (!r.ok) {
          const reason = `${describeError(r.error)} Choose another name and install again.`;
          throw Object.assign(new Error(reason), { code: 'account_refused' });
        }
        await hooks.installed(r.value.accountId);
      },
      fetchInstallation: async (query) => {
        const found = await installations.find(targetOf(query));
        if (!found?.payload) throw new Error('this workspace has no installation of the app');
        const call = authorizing.getStore();
        if (call) call.found = found;
        return JSON.parse(found.payload) as Installation;
      },
      deleteInstallation: async (query) => {
        await installations.uninstall(targetOf(query));
      },
    },
  });

  const authorizeOnce = async (source: InstallationQuery<boolean>): Promise<AuthorizeResult> => {
    const call: { found?: Installed } = {};
    const run = () => authorizing.run(call, () => provider.authorize(source));
    let auth = await run();
    if (stillExpired(auth)) {
      // The refresh failed: InstallProvider logs it and hands back the expired token, which Slack
      // would answer with token_expired (read as an uninstall). Slack revokes a refresh token once
      // used, so another process may have just refreshed this installation and be storing the new
      // pair: read it again once, after a moment. Otherwise the request is told Slack is unavailable.
      await new Promise((r) => setTimeout(r, REFRESH_RACE_MS));
      auth = await run();
      if (stillExpired(auth))
        throw Object.assign(new Error('the bot token could not be refreshed'), { code: REFRESH_FAILED });
    }
    // A token rotation stores the installation again, keeping its account: the account read with
    // the tokens is still the one. Looked up again only if the provider did not ask our store.
    const found = call.found ?? (await installations.find(targetOf(source)));
    if (!found) throw new Error('this workspace has no installation of the app');
    return {
      ...auth,
      accountId: found.accountId,
      homeTeamId: source.isEnterpriseInstall ? null : (source.teamId ?? null),
      homeEnterpriseId: source.enterpriseId ?? null,
    };
  };
  const inFlight = new Map<string, Promise<AuthorizeResult>>();

  return {
    start: (req, res, accountName) =>
      provider.handleInstallPath(req, res, undefined, {
        scopes: [...BOT_SCOPES],
        redirectUri,
        metadata: accountName.slice(0, 100),
      }),
    finish: (req, res, done) =>
      provider.handleCallback(req, res, {
        successAsync: async (installation) => {
          const i = installation as Installation;
          const found = await installations.find(targetOfInstallation(i));
          done.installed(
            i.team?.name ?? i.enterprise?.name ?? 'your workspace',
            found ? await installations.accountName(found.accountId) : '',
            askedName(i),
          );
        },
        failureAsync: async (error) => {
          log.warn({ code: error.code }, 'Slack install failed');
          done.failed(
            error.code === 'account_refused'
              ? error.message
              : 'Slack did not confirm the installation (it may have been cancelled, or the link was used twice). Please start again.',
          );
        },
      }),
    authorize: async (source) => {
      // Requests arriving together for one installation share one lookup: when its token is due,
      // one refresh (Slack answers each with a new refresh token), not one per request.
      const key = JSON.stringify([source.teamId, source.enterpriseId, source.isEnterpriseInstall === true]);
      let pending = inFlight.get(key);
      if (!pending) {
        pending = authorizeOnce(source).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      try {
        // A copy per request: Bolt writes request details into the object it is given.
        return { ...(await pending) };
      } catch (err) {
        // The database did not answer: the team guard tells the admin so, instead of Bolt's silent
        // ack for an authorization failure. (InstallProvider wraps our error; its cause is `original`.)
        const cause = (err as { original?: unknown }).original;
        if (databaseUnavailable(err) || databaseUnavailable(cause)) return { databaseUnavailable: true };
        if ((err as { code?: unknown }).code === REFRESH_FAILED) return { slackUnavailable: true };
        throw err;
      }
    },
  };
}
