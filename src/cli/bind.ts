import type { InstallationService } from '../installations/service.js';
import { describeError } from '../invitations/errors.js';
import { isEnterpriseId, isTeamId } from '../text/ids.js';
import type { CliResult } from './run.js';

const USAGE = 'Usage: npm run cli -- bind T0123ABCD|E0123ABCD --account "Account name" --as admin@example.com';

/**
 * `bind WORKSPACE --account NAME`: serve a Slack installation (a workspace T…, or an org-wide install
 * E…) with an existing Marketplace account instead of the one its install created. An operator's
 * command, with the CLI's usual guard: `--as` must be an Active admin of that account.
 */
export async function bindVerb(
  deps: { installations: InstallationService; isAdminOf(accountName: string, email: string): Promise<boolean> },
  argv: readonly string[],
  actorEmail: string | null,
): Promise<CliResult | null> {
  if (argv[0] !== 'bind') return null;
  const target = argv[1] ?? '';
  const at = argv.indexOf('--account');
  const name =
    at > 0
      ? argv
          .slice(at + 1)
          .join(' ')
          .trim()
      : '';
  const usage = (why: string): CliResult => ({ output: `${why}\n${USAGE}`, code: 2, queuedEmail: false });
  if (!isTeamId(target) && !isEnterpriseId(target))
    return usage(`"${target.slice(0, 30)}" is not a Slack team or org id.`);
  if (!name) return usage('Name the account with --account.');
  if (!actorEmail || !(await deps.isAdminOf(name, actorEmail))) {
    return {
      output: `Only an Active admin of "${name}" can bind a workspace to it (use --as).`,
      code: 1,
      queuedEmail: false,
    };
  }
  const org = target.startsWith('E');
  const r = await deps.installations.bind(
    { teamId: org ? null : target, enterpriseId: org ? target : null, isEnterpriseInstall: org },
    name,
  );
  return r.ok
    ? { output: `${target} now manages the users of "${name}".`, code: 0, queuedEmail: false }
    : { output: describeError(r.error), code: 1, queuedEmail: false };
}
