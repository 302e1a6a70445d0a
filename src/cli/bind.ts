import type { InstallationService } from '../installations/service.js';
import { describeError } from '../invitations/errors.js';
import { isEnterpriseId, isTeamId } from '../text/ids.js';
import type { CliResult } from './run.js';

const USAGE = 'Usage: npm run cli -- bind T0123ABCD|E0123ABCD --account "Account name" --as admin@example.com';

export interface BindDeps {
  /** Checks that the actor is an Active admin of the account named (the rule lives there). */
  installations: Pick<InstallationService, 'bind'>;
}

/**
 * `bind WORKSPACE --account NAME`: serve a Slack installation (a workspace T…, or an org-wide install
 * E…) with an existing Marketplace account instead of the one its install created. An operator's
 * command, with the CLI's usual guard: `--as` must be an Active admin of that account.
 * `words`: the arguments after `bind`, with --as and --account already taken out.
 */
export async function bindVerb(
  deps: BindDeps,
  words: readonly string[],
  accountName: string | null,
  actorEmail: string | null,
): Promise<CliResult> {
  const usage = (why: string): CliResult => ({ output: `${why}\n${USAGE}`, code: 2, queuedEmail: false });
  const target = words[0] ?? '';
  if (words.length !== 1 || (!isTeamId(target) && !isEnterpriseId(target)))
    return usage(`"${target.slice(0, 30)}" is not a Slack team or org id.`);
  const name = accountName?.trim() ?? '';
  if (!name) return usage('Name the account with --account.');
  const refused = (output: string): CliResult => ({ output, code: 1, queuedEmail: false });
  const onlyAdmins = `Only an Active admin of "${name}" can bind a workspace to it (use --as).`;
  if (!actorEmail) return refused(onlyAdmins);
  const org = target.startsWith('E');
  const r = await deps.installations.bind(
    { teamId: org ? null : target, enterpriseId: org ? target : null, isEnterpriseInstall: org },
    name,
    actorEmail,
  );
  if (r.ok) return { output: `${target} now manages the users of "${name}".`, code: 0, queuedEmail: false };
  return refused(r.error.code === 'not_admin' ? onlyAdmins : describeError(r.error));
}
