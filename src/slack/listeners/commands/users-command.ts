import { parseCommand } from '../../../commands/index.js';
import { usageText } from '../../blocks/messages.js';
import { type App, afterAck, ctxOf } from '../../context.js';
import { slackErrorText } from '../../errors.js';
import { COMMAND } from '../../ids.js';
import { openInviteForm } from '../../invite-form.js';
import type { Message } from '../../surfaces.js';
import { runSubcommand } from './subcommands.js';

/**
 * `/users …`. Acknowledged first, always with nothing (no Web API call may stand between Slack's
 * request and its ack); every answer then goes through response_url, ephemerally. A form opens
 * before anything slow; the service checks the admin in the same step that does the work.
 */
export function registerUsersCommand(app: App): void {
  app.command(COMMAND, async ({ ack, command, client, respond, context }) => {
    const ctx = ctxOf(context);
    await ack();
    const reply = (message: Message) => respond({ response_type: 'ephemeral', ...message });
    const parsed = parseCommand(command.text ?? '');
    await afterAck(
      ctx,
      'command',
      (text) => reply({ text }),
      async () => {
        if (parsed.ok && parsed.command.kind === 'invite' && isEmptyInvite(parsed.command)) {
          const origin = { responseUrl: command.response_url, home: null };
          return openInviteForm(ctx, client, { triggerId: command.trigger_id, userId: command.user_id, origin });
        }
        const actor = await ctx.actor(client, command.user_id);
        if (!actor) return reply({ text: slackErrorText({ code: 'not_admin' }) });
        if (!parsed.ok) {
          // Usage is for admins; anyone else learns only that this is not for them.
          const admin = await ctx.service.isAdmin(actor);
          return reply({ text: admin ? usageText(parsed.error) : slackErrorText({ code: 'not_admin' }) });
        }
        await runSubcommand(ctx, parsed.command, {
          actor,
          client,
          reply,
          userId: command.user_id,
          requestId: `command:${command.trigger_id}`,
          responseUrl: command.response_url,
        });
      },
    );
  });
}

const isEmptyInvite = (c: { people: unknown[]; rejected: unknown[]; file: string | null }) =>
  c.people.length === 0 && c.rejected.length === 0 && c.file === null;
