import fs from 'node:fs';
import {
  type Command,
  exceedsLimit,
  mergeAddresses,
  type ParsedAddresses,
  parseAddresses,
  TOO_MANY_TEXT,
} from '../commands/index.js';
import { describeError } from '../invitations/errors.js';
import type { Actor } from '../invitations/invitation.js';
import { type InvitationService, queuedEmails, queuedText } from '../invitations/service.js';
import { shortUtc } from '../text/dates.js';
import { cleanForTerminal as clean } from './format.js';
import type { CliResult } from './run.js';

/** A file of addresses (CSV with a header, or one address per line); what it says, or why it cannot be read. */
function readPeople(file: string): ParsedAddresses | string {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return `${file} is not a file.`;
    if (stat.size > 2_000_000) return `${file} is larger than 2 MB; split it into smaller files.`;
    return parseAddresses(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return `Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`;
  }
}

/**
 * `invite ADDRESSES… [--file people.csv] [--admin]`: one line per address, exit 0 when every
 * address went through, 1 when any was refused (the others are invited all the same), 2 when there
 * was nothing to invite.
 */
export async function inviteFromCommand(
  service: InvitationService,
  actor: Actor,
  command: Extract<Command, { kind: 'invite' }>,
): Promise<CliResult> {
  let list: ParsedAddresses = command;
  if (command.file) {
    const fromFile = readPeople(command.file);
    if (typeof fromFile === 'string') return { output: clean(fromFile), code: 2, queuedEmail: false };
    list = mergeAddresses(command, fromFile);
  }
  if (exceedsLimit(list)) return { output: TOO_MANY_TEXT, code: 2, queuedEmail: false };
  const { people, rejected } = list;
  if (!people.length && !rejected.length) {
    return { output: 'Give at least one email address, or --file people.csv.', code: 2, queuedEmail: false };
  }
  const requests = people.map((p) => ({ email: p.email, name: p.name, role: p.role ?? command.role }));
  const r = requests.length ? await service.invite(actor, requests) : { ok: true as const, value: [] };
  if (!r.ok) return { output: clean(describeError(r.error)), code: 1, queuedEmail: false };
  const lines = [
    ...r.value.map((o) =>
      o.result.ok
        ? `invited ${clean(o.email)}: Invited, expires ${shortUtc(o.result.value.expiresAt)}` +
          (o.result.value.emailQueuedUntil ? `, email queued until ${shortUtc(o.result.value.emailQueuedUntil)}` : '')
        : `not invited: ${clean(describeError(o.result.error))}`,
    ),
    ...rejected.map((x) => `not invited: ${clean(x.input)}: ${clean(x.reason)}`),
  ];
  const queued = queuedEmails(r.value);
  if (queued) lines.push(queuedText(queued, shortUtc));
  const sent = r.value.some((o) => o.result.ok);
  const allOk = rejected.length === 0 && r.value.every((o) => o.result.ok);
  return { output: lines.join('\n'), code: allOk ? 0 : 1, queuedEmail: sent };
}
