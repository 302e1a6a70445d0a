import { exportCsv } from '../commands/export.js';
import { type Command, parseCommand, USAGE } from '../commands/index.js';
import type { Done } from '../invitations/act.js';
import { describeError, type Result } from '../invitations/errors.js';
import type { Actor, ListFilter, ListQuery } from '../invitations/invitation.js';
import {
  type Changed,
  type InvitationService,
  type Invited,
  queuedEmails,
  queuedText,
} from '../invitations/service.js';
import { describeSettings } from '../invitations/settings.js';
import type { NoticeChannel } from '../notices/channel.js';
import { shortUtc } from '../text/dates.js';
import { type BindDeps, bindVerb } from './bind.js';
import { cleanForTerminal as clean, formatHistory, formatList } from './format.js';
import { inviteFromCommand } from './invite.js';

export interface CliResult {
  output: string;
  /** 0 success, 1 refused by a rule (partly or wholly), 2 bad usage. */
  code: number;
  /** True when emails were queued: a CLI without a server should deliver them before exiting. */
  queuedEmail: boolean;
}

/** The account a CLI command works on, and its account-bound part. */
export interface CliAccount {
  accountId: string;
  accountName: string;
  channel: Pick<NoticeChannel, 'choose'>;
}

/** What the CLI drives: the services, never the database. */
export interface CliDeps {
  service: InvitationService;
  /** For `bind` (Slack installations). */
  installations: BindDeps['installations'];
  /** null: the deployment's account (ACCOUNT_NAME); a name: that account, or null when there is none. */
  account(name: string | null): Promise<CliAccount | null>;
}

export const CLI_USAGE = `Usage: npm run cli -- <subcommand> [--as admin@example.com] [--account NAME]

${USAGE}

--as EMAIL      act as this account administrator (default: the first of ADMIN_EMAILS)
--account NAME  work on this account (default: ACCOUNT_NAME); --as must be an admin of it
bind T0123ABCD|E0123ABCD --account NAME   serve that Slack workspace (or org-wide install) with account NAME
In the terminal, notify takes a channel ID (C0123ABCD) or off, and block, remove and erase act at once.`;

/** Splits `--as x` / `--account x` (or `=x`) out of the arguments; the rest is the /users grammar. */
export function splitArgs(argv: readonly string[]): { as: string | null; account: string | null; text: string } {
  const rest: string[] = [];
  const found: { as: string | null; account: string | null } = { as: null, account: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const option = (['as', 'account'] as const).find((o) => arg === `--${o}` || arg.startsWith(`--${o}=`));
    if (!option) rest.push(arg);
    else found[option] = arg === `--${option}` ? (argv[++i] ?? '') : arg.slice(option.length + 3);
  }
  return { ...found, text: rest.join(' ') };
}

export const usage = (message: string): CliResult => ({
  output: `${clean(message)}\n\n${CLI_USAGE}`,
  code: 2,
  queuedEmail: false,
});
export const done = (output: string, queuedEmail = false): CliResult => ({ output, code: 0, queuedEmail });
export const refused = (r: { error: Parameters<typeof describeError>[0] }): CliResult => ({
  output: clean(describeError(r.error)),
  code: 1,
  queuedEmail: false,
});

/**
 * Runs one CLI command against the services. The same function serves a CLI process that opened
 * the database itself and a server answering a CLI over its local channel.
 */
export async function runCli(deps: CliDeps, argv: readonly string[], defaultAdmin: string | null): Promise<CliResult> {
  const { as, account: name, text } = splitArgs(argv);
  const words = text.split(/\s+/).filter(Boolean);
  if (words[0] === 'bind') return bindVerb(deps, words.slice(1), name, as ?? defaultAdmin);
  const parsed = parseCommand(text);
  if (!parsed.ok) return usage(parsed.error);
  if (parsed.command.kind === 'help') return done(CLI_USAGE);
  const email = as ?? defaultAdmin;
  if (!email) return usage('Say who is acting: --as admin@example.com (an Active admin of the account).');
  if (name !== null && name.trim() === '') return usage('--account needs the name of an account.');
  // The admin check of every verb is then against THIS account: an admin of another is refused.
  const account = await deps.account(name === null ? null : name.trim());
  if (!account)
    return { output: `There is no account named ${clean(JSON.stringify(name))}.`, code: 1, queuedEmail: false };
  return execute(deps, account, { accountId: account.accountId, kind: 'cli', email }, parsed.command);
}

const PAGE_SIZE = 50;
const query = (filter: ListFilter | null, page: number, text: string | null = null): ListQuery => ({
  filter: filter ?? 'all',
  page,
  pageSize: PAGE_SIZE,
  text,
});

/** One line per action, from the values the action just wrote. */
function outcome<T>(r: Result<Done<T>>, line: (v: T) => string, queuedEmail = false): CliResult {
  return r.ok ? done(line(r.value.value), queuedEmail) : refused(r);
}
const someone = (v: Invited | Changed) => clean(v.email);

async function execute(deps: CliDeps, account: CliAccount, actor: Actor, command: Command): Promise<CliResult> {
  const { service } = deps;
  const target = 'email' in command ? { email: command.email } : null;
  switch (command.kind) {
    case 'list':
    case 'find': {
      const q = command.kind === 'list' ? query(command.filter, command.page) : query(null, command.page, command.text);
      const r = await service.list(actor, q);
      return r.ok ? done(formatList(r.value, account.accountName)) : refused(r);
    }
    case 'show': {
      const r = await service.show(actor, command.email, 1);
      return r.ok ? done(formatList(r.value, account.accountName)) : refused(r);
    }
    case 'invite':
      return inviteFromCommand(service, actor, command);
    case 'link': {
      const r = await service.copyLink(actor, { email: command.email });
      return r.ok ? done(`Invitation link for ${someone(r.value.value)}:\n${r.value.value.link}`) : refused(r);
    }
    case 'resend':
      return outcome(
        await service.resend(actor, { email: command.email }),
        (v) => `Invitation resent (same link) to ${someone(v)}`,
        true,
      );
    case 'renew': {
      if (!('email' in command)) {
        const r = await service.renewAllExpired(actor);
        if (!r.ok) return refused(r);
        const s = r.value;
        const lines = [
          ...s.renewed.map((v) => `renewed ${someone(v)}`),
          `${s.renewed.length} renewed, ${s.skipped.length} skipped`,
        ];
        if (s.stoppedBy) lines.push(`stopped: ${clean(describeError(s.stoppedBy))}`);
        const queued = queuedEmails(s.renewed);
        if (queued) lines.push(queuedText(queued, shortUtc));
        return { output: lines.join('\n'), code: s.stoppedBy ? 1 : 0, queuedEmail: s.renewed.length > 0 };
      }
      return outcome(
        await service.sendNew(actor, { email: command.email }),
        (v) => `New invitation sent to ${someone(v)}`,
        true,
      );
    }
    case 'cancel':
      return outcome(
        await service.cancel(actor, { email: command.email }),
        (v) => `Invitation to ${someone(v)} cancelled; its link no longer works.`,
      );
    case 'role':
      return outcome(
        await service.changeRole(actor, { email: command.email }, command.role),
        (v) => `${someone(v)} is now ${v.role === 'admin' ? 'an admin' : 'a member'}.`,
      );
    case 'block':
      return outcome(await service.block(actor, { email: command.email }), (v) => `${someone(v)} is blocked.`);
    case 'unblock':
      return outcome(await service.unblock(actor, { email: command.email }), (v) => `${someone(v)} is unblocked.`);
    case 'remove':
      return outcome(
        await service.remove(actor, { email: command.email }),
        (v) => `${someone(v)} was removed from the account.`,
      );
    case 'erase':
      return outcome(
        await service.erase(actor, { email: command.email }),
        (v) => `Personal data of ${someone(v)} erased (now anonymous user #${v.userId}).`,
      );
    case 'history': {
      const r = await service.history(actor, target ?? { email: '' });
      return r.ok ? done(formatHistory(r.value.email ?? command.email, r.value.entries)) : refused(r);
    }
    case 'export': {
      // The CSV itself on stdout, nothing else (the terminal writer adds the last line end).
      const r = await service.exportUsers(actor, command.filter ?? 'all');
      return r.ok ? done(exportCsv(r.value.users).replace(/\r\n$/, '')) : refused(r);
    }
    case 'notify': {
      const channel = command.channel === 'off' ? null : 'id' in command.channel ? command.channel.id : undefined;
      if (channel === undefined) return usage('In the terminal, give the channel ID (like C0123ABCD) or off.');
      const r = await account.channel.choose(actor, channel);
      return r.ok
        ? done(channel ? `Invitation notices will be posted in ${channel}.` : 'Invitation notices are turned off.')
        : refused(r);
    }
    case 'settings': {
      const change = command.change;
      const r = Object.keys(change).length
        ? await service.changeSettings(actor, change)
        : await service.settings(actor);
      return r.ok
        ? done(clean(describeSettings(account.accountName, r.value.value.stored, r.value.value.inForce)))
        : refused(r);
    }
    case 'help':
      return done(CLI_USAGE);
  }
}
