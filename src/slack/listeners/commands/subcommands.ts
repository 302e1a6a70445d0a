import { exportCsv, exportFileName } from '../../../commands/export.js';
import { type Command, describeRejected } from '../../../commands/index.js';
import type { Result } from '../../../invitations/errors.js';
import type { Actor, ListFilter } from '../../../invitations/invitation.js';
import { describeSettings } from '../../../invitations/settings.js';
import { confirm } from '../../blocks/confirmations.js';
import { historyText, inviteSummary, usageText } from '../../blocks/messages.js';
import { renewAllBlocks } from '../../blocks/renew-all.js';
import { FILTER_LABEL } from '../../blocks/user-list.js';
import type { Confirmable } from '../../blocks/user-row.js';
import { type BulkOrigin, startBulkInvite } from '../../bulk-invite.js';
import { channelIdByName } from '../../channels.js';
import type { SlackContext, WebClient } from '../../context.js';
import { slackErrorText } from '../../errors.js';
import { sendCsvByDm } from '../../export-dm.js';
import { escapeMrkdwn, userText } from '../../mrkdwn.js';
import { listMessage, type Message, queryOf } from '../../surfaces.js';
import type { ListState } from '../../values.js';

export interface CommandArgs extends BulkOrigin {
  actor: Actor;
  client: WebClient;
  reply: (message: Message) => Promise<unknown>;
}

function say<T>(r: Result<T>, done: (value: T) => string): Message {
  return { text: r.ok ? done(r.value) : slackErrorText(r.error) };
}

/** A list (or one row, with an "Are you sure?" prompt) as the answer to a command. */
async function showList(
  ctx: SlackContext,
  args: CommandArgs,
  state: ListState,
  prompt?: Confirmable,
): Promise<Message> {
  const r = await ctx.service.list(args.actor, queryOf(state));
  if (!r.ok) return { text: slackErrorText(r.error) };
  const first = r.value.users[0];
  const ask = prompt && first ? { prompt: { userId: first.id, action: prompt } } : {};
  return listMessage(ctx, args.actor, r.value, state, ask);
}

/** `/users block|remove|erase EMAIL` show that row with its confirmation prompt: nothing happens yet. */
async function confirmFirst(ctx: SlackContext, args: CommandArgs, email: string, action: Confirmable) {
  const user = await ctx.service.show(args.actor, email, 1);
  if (!user.ok) return { text: slackErrorText(user.error) };
  const only = user.value.users[0];
  if (!only) return { text: slackErrorText({ code: 'user_not_found', email }) };
  return showList(ctx, args, { filter: 'all', page: 1, userId: only.id }, action);
}

const filterOf = (f: ListFilter | null): ListFilter => f ?? 'all';

/** null: answered already (a bulk invite answers as it starts, and its job sends the summary). */
async function answer(ctx: SlackContext, command: Command, args: CommandArgs): Promise<Message | null> {
  const { service } = ctx;
  const { actor } = args;
  switch (command.kind) {
    case 'help':
      return (await service.isAdmin(actor))
        ? { text: usageText(null) }
        : { text: slackErrorText({ code: 'not_admin' }) };
    case 'list':
      return showList(ctx, args, { filter: filterOf(command.filter), page: command.page });
    case 'find':
      return showList(ctx, args, { filter: 'all', page: command.page, text: command.text });
    case 'show': {
      const r = await service.show(actor, command.email, 1);
      if (!r.ok) return { text: slackErrorText(r.error) };
      const only = r.value.users[0];
      return listMessage(ctx, actor, r.value, { filter: 'all', page: 1, userId: only?.id ?? null });
    }
    case 'invite': {
      // Nothing usable at all: the reason, with the usage, as for any other bad input.
      const [first] = command.rejected;
      if (!command.people.length && first) {
        const admin = await service.isAdmin(actor);
        return { text: admin ? usageText(describeRejected(first)) : slackErrorText({ code: 'not_admin' }) };
      }
      const requests = command.people.map((p) => ({ email: p.email, name: p.name, role: p.role ?? command.role }));
      if (requests.length > 1) {
        await startBulkInvite(ctx, actor, { ...args, requests, rejected: command.rejected, tell: args.reply });
        return null;
      }
      const r = requests.length ? await service.invite(actor, requests) : { ok: true as const, value: [] };
      return r.ok ? inviteSummary(r.value, command.rejected) : { text: slackErrorText(r.error) };
    }
    case 'link':
      return say(await service.copyLink(actor, { email: command.email }), (v) => confirm.link(v.value));
    case 'resend':
      return say(await service.resend(actor, { email: command.email }), (v) => confirm.resent(v.value));
    case 'renew':
      if ('allExpired' in command) {
        const r = await service.list(actor, { filter: 'expired', page: 1, pageSize: 1 });
        return r.ok ? renewAllBlocks(r.value.total) : { text: slackErrorText(r.error) };
      }
      return say(await service.sendNew(actor, { email: command.email }), (v) => confirm.sentNew(v.value));
    case 'cancel':
      // Typing the address is the deliberate act here; the ••• menu asks for confirmation instead.
      return say(await service.cancel(actor, { email: command.email }), (v) => confirm.cancelled(v.value));
    case 'role':
      return say(await service.changeRole(actor, { email: command.email }, command.role), (v) => confirm.role(v.value));
    case 'unblock':
      return say(await service.unblock(actor, { email: command.email }), (v) => confirm.unblocked(v.value));
    case 'block':
    case 'remove':
    case 'erase':
      return confirmFirst(ctx, args, command.email, command.kind);
    case 'history':
      return say(await service.history(actor, { email: command.email }, 30), (v) =>
        historyText(v.email ?? command.email, v.entries),
      );
    case 'export':
      return exportList(ctx, args, command.filter);
    case 'notify': {
      const target = command.channel;
      const channel =
        target === 'off' ? null : 'id' in target ? target.id : await channelIdByName(args.client, target.name);
      if (channel === null && target !== 'off')
        return { text: channelNotFound('name' in target ? (target.name ?? '') : '') };
      return say(await ctx.channel.choose(actor, channel), (v) => confirm.notify(v.channel));
    }
    case 'settings': {
      const r = Object.keys(command.change).length
        ? await service.changeSettings(actor, command.change)
        : await service.settings(actor);
      return say(
        r,
        (v) => `\`\`\`${escapeMrkdwn(describeSettings(ctx.accountName, v.value.stored, v.value.inForce))}\`\`\``,
      );
    }
  }
}

/** A `#name` the app cannot see: say how to get it right, in Slack's own terms. */
const channelNotFound = (name: string): string =>
  `:warning: I cannot find a channel named #${userText(name, 80)}. If it is private, first add me to it ` +
  `(type /invite @ in the channel and pick this app), then try again, or pick the channel in App Home.`;

/** Export arrives as a CSV file in the admin's DM; the command's answer says where to find it. */
async function exportList(ctx: SlackContext, args: CommandArgs, filter: ListFilter | null): Promise<Message> {
  const r = await ctx.service.exportUsers(args.actor, filter ?? 'all');
  if (!r.ok) return { text: slackErrorText(r.error) };
  const count = r.value.users.filter((u) => u.email).length;
  await sendCsvByDm(args.client, args.userId, {
    csv: exportCsv(r.value.users),
    filename: exportFileName(filter, r.value.asOf),
    comment: `Export of ${filter ? FILTER_LABEL[filter].toLowerCase() : 'all users'} in ${ctx.accountName}: ${count} ${count === 1 ? 'user' : 'users'}.`,
  });
  return {
    text: `:page_facing_up: Sent you the CSV of ${count} ${count === 1 ? 'user' : 'users'} in a direct message.`,
  };
}

export async function runSubcommand(ctx: SlackContext, command: Command, args: CommandArgs): Promise<void> {
  const message = await answer(ctx, command, args);
  if (message) await args.reply(message);
}
