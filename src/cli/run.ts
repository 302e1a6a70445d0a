import { type Command, describeRejected, type ListFilter, parseCommand, USAGE } from '../commands/index.js';
import { describeError, type Result } from '../invitations/errors.js';
import type { Actor } from '../invitations/invitation.js';
import type { InvitationService } from '../invitations/service.js';
import { cleanForTerminal as clean, formatHistory, formatList, formatUser } from './format.js';

export interface CliResult {
  output: string;
  /** 0 success, 1 refused by a rule, 2 bad usage. */
  code: number;
  /** True when emails were queued: a CLI without a server should deliver them before exiting. */
  queuedEmail: boolean;
}

export const CLI_USAGE = `Usage: npm run cli -- <subcommand> [--as admin@example.com]

${USAGE}

--as EMAIL   act as this account administrator (default: the first of ADMIN_EMAILS)`;

/** Splits `--as x` / `--as=x` out of the arguments; the rest is the /users grammar. */
export function splitArgs(argv: readonly string[]): { as: string | null; text: string } {
  const rest: string[] = [];
  let as: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--as') as = argv[++i] ?? '';
    else if (arg.startsWith('--as=')) as = arg.slice(5);
    else rest.push(arg);
  }
  return { as, text: rest.join(' ') };
}

/**
 * Runs one CLI command against the service. The same function serves a CLI process that opened
 * the database itself and a server answering a CLI over its local channel.
 */
export async function runCli(
  service: InvitationService,
  argv: readonly string[],
  defaultAdmin: string | null,
): Promise<CliResult> {
  const { as, text } = splitArgs(argv);
  const parsed = parseCommand(text);
  if (!parsed.ok) return { output: `${clean(parsed.error)}\n\n${CLI_USAGE}`, code: 2, queuedEmail: false };
  if (parsed.command.kind === 'help') return { output: CLI_USAGE, code: 0, queuedEmail: false };
  const email = as ?? defaultAdmin;
  if (!email)
    return {
      output: 'Say who is acting: --as admin@example.com (an Active admin of the account).',
      code: 2,
      queuedEmail: false,
    };
  return execute(service, { email, via: 'cli' }, parsed.command);
}

// Until the service has the new states and actions (issue 13), the grammar reads more than it can run.
const serviceFilter = (f: ListFilter | null): f is 'invited' | 'expired' | 'active' | null =>
  f === null || f === 'invited' || f === 'expired' || f === 'active';
const notYet = (what: string): CliResult => ({ output: `${what} is not available yet.`, code: 2, queuedEmail: false });

async function execute(service: InvitationService, actor: Actor, command: Command): Promise<CliResult> {
  const done = (output: string, queuedEmail = false): CliResult => ({ output, code: 0, queuedEmail });
  const refused = (r: Extract<Result<unknown>, { ok: false }>): CliResult => ({
    output: clean(describeError(r.error)),
    code: 1,
    queuedEmail: false,
  });
  switch (command.kind) {
    case 'list': {
      const filter = command.filter === 'all' ? null : command.filter;
      if (!serviceFilter(filter)) return notYet(`list ${filter}`);
      const r = await service.list(actor, { filter, page: command.page, pageSize: 50 });
      return r.ok ? done(formatList(r.value, service.deps.accountName, service.now())) : refused(r);
    }
    case 'invite': {
      if (command.file !== null) return notYet('invite --file');
      if (!command.people.length && !command.rejected.length)
        return { output: `Give at least one email address.\n\n${CLI_USAGE}`, code: 2, queuedEmail: false };
      const refusedHere = command.rejected.map((x) => `not invited: ${clean(describeRejected(x))}`);
      if (!command.people.length) return { output: refusedHere.join('\n'), code: 1, queuedEmail: false };
      const r = await service.invite(
        actor,
        command.people.map((p) => ({ email: p.email, name: p.name, role: p.role ?? command.role })),
      );
      if (!r.ok) return refused(r);
      const lines = r.value.map((o) =>
        o.result.ok ? `invited ${formatUser(o.result.value)}` : `not invited: ${clean(describeError(o.result.error))}`,
      );
      const sent = r.value.some((o) => o.result.ok);
      const allOk = r.value.every((o) => o.result.ok) && !refusedHere.length;
      return { output: [...lines, ...refusedHere].join('\n'), code: allOk ? 0 : 1, queuedEmail: sent };
    }
    case 'link': {
      const r = await service.copyLink(actor, { email: command.email });
      return r.ok ? done(`Invitation link for ${formatUser(r.value.user)}:\n${r.value.link}`) : refused(r);
    }
    case 'resend': {
      const r = await service.resend(actor, { email: command.email });
      return r.ok ? done(`Invitation resent (same link) to ${formatUser(r.value)}`, true) : refused(r);
    }
    case 'renew': {
      if ('allExpired' in command) return notYet('renew --all-expired');
      const r = await service.sendNew(actor, { email: command.email });
      return r.ok ? done(`New invitation sent to ${formatUser(r.value)}`, true) : refused(r);
    }
    case 'cancel': {
      const r = await service.cancel(actor, { email: command.email });
      return r.ok ? done(`Invitation to ${clean(r.value.email)} cancelled; its link no longer works.`) : refused(r);
    }
    case 'history': {
      const r = await service.history(actor, { email: command.email });
      return r.ok ? done(formatHistory(r.value.email, r.value.entries)) : refused(r);
    }
    case 'notify':
      return {
        output: 'Notice channels are chosen in Slack, where the channel can be picked: /users notify #channel',
        code: 2,
        queuedEmail: false,
      };
    case 'help':
      return done(CLI_USAGE);
    default:
      return notYet(command.kind);
  }
}
