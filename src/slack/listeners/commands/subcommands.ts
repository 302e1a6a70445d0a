import { type Command, describeRejected } from '../../../commands/index.js';
import type { Result } from '../../../invitations/errors.js';
import type { Actor, UserView } from '../../../invitations/invitation.js';
import { inviteModal } from '../../blocks/invite-modal.js';
import { confirm, historyText, inviteSummary, usageText } from '../../blocks/messages.js';
import type { KnownBlock } from '../../blocks/types.js';
import type { SlackContext, WebClient } from '../../context.js';
import { slackErrorText } from '../../errors.js';
import { escape as escapeMrkdwn } from '../../mrkdwn.js';
import { listMessage } from '../../surfaces.js';

/** Answers the user; called with no message it just acknowledges (nothing shown). */
export type Reply = (message?: { text: string; blocks?: KnownBlock[] }) => Promise<void>;

export interface CommandArgs {
  actor: Actor;
  client: WebClient;
  reply: Reply;
  triggerId: string;
  responseUrl: string;
}

function say<T>(r: Result<T>, done: (value: T) => string): { text: string } {
  return { text: r.ok ? done(r.value) : slackErrorText(r.error) };
}

export async function runSubcommand(ctx: SlackContext, command: Command, args: CommandArgs): Promise<void> {
  const { service } = ctx.deps;
  const { actor, reply } = args;
  switch (command.kind) {
    case 'help':
      return reply({ text: usageText(null) });
    case 'list': {
      // Until the service has the new states (issue 13), only these three lists exist.
      const filter = command.filter === 'all' ? null : command.filter;
      if (filter !== null && filter !== 'invited' && filter !== 'expired' && filter !== 'active')
        return reply({ text: usageText(`list ${filter} is not available yet.`) });
      return reply(await listMessage(ctx, actor, { filter, page: command.page }));
    }
    case 'invite': {
      if (command.people.length === 0 && command.rejected.length === 0) {
        // trigger_id is only valid for 3 seconds: open the modal before anything else.
        await args.client.views.open({
          trigger_id: args.triggerId,
          view: inviteModal({ responseUrl: args.responseUrl, home: null }),
        });
        return reply();
      }
      if (command.people.length === 0)
        return reply({ text: usageText(command.rejected.map((x) => describeRejected(x)).join(' ')) });
      // Many addresses can take longer than Slack's 3-second ack window: ack, then answer.
      await reply();
      const r = await service.invite(
        actor,
        command.people.map((p) => ({ email: p.email, name: p.name, role: p.role ?? command.role })),
      );
      if (!r.ok) return reply({ text: slackErrorText(r.error) });
      const summary = inviteSummary(r.value);
      const refused = command.rejected.map((x) => `:x: ${escapeMrkdwn(describeRejected(x))}`);
      return reply(refused.length ? { ...summary, text: [summary.text, ...refused].join('\n') } : summary);
    }
    case 'link':
      return reply(say(await service.copyLink(actor, { email: command.email }), (v) => confirm.link(v.user, v.link)));
    case 'resend':
      return reply(say(await service.resend(actor, { email: command.email }), (u: UserView) => confirm.resent(u)));
    case 'renew':
      if ('allExpired' in command) return reply({ text: usageText('renew --all-expired is not available yet.') });
      return reply(say(await service.sendNew(actor, { email: command.email }), (u: UserView) => confirm.sentNew(u)));
    case 'cancel':
      // Typing the address is the deliberate act here; the ••• menu asks for confirmation instead.
      return reply(say(await service.cancel(actor, { email: command.email }), (v) => confirm.cancelled(v.email)));
    case 'history':
      return reply(
        say(await service.history(actor, { email: command.email }, 30), (v) => historyText(v.email, v.entries)),
      );
    case 'notify': {
      if (command.channel !== 'off' && !('id' in command.channel)) {
        // Resolving a bare #name (conversations.list) is the Slack layer's job in issue 12.
        return reply({
          text: usageText(`"#${command.channel.name}" has no channel ID: pick the channel from Slack's autocomplete.`),
        });
      }
      const channel = command.channel === 'off' ? null : command.channel.id;
      return reply(say(await service.setNoticeChannel(actor, channel), (v) => confirm.notify(v.channel)));
    }
    default:
      return reply({ text: usageText(`${command.kind} is not available yet.`) });
  }
}
