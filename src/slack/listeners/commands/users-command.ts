import { parseCommand } from '../../../commands/index.js';
import { usageText } from '../../blocks/messages.js';
import { type App, type SlackContext, safely } from '../../context.js';
import { slackErrorText } from '../../errors.js';
import { COMMAND } from '../../ids.js';
import { type Reply, runSubcommand } from './subcommands.js';

/**
 * `/users …`: admin check first (nothing runs for anyone else; for the list, the service's own check
 * is that check), then the shared grammar, then the subcommand. Every answer is ephemeral; the first one goes in the ack, later ones via response_url.
 */
export function registerUsersCommand(app: App, ctx: SlackContext): void {
  app.command(COMMAND, async ({ ack, command, client, respond }) => {
    let acked = false;
    const reply: Reply = async (message) => {
      if (acked) return void (await respond({ response_type: 'ephemeral', ...message }));
      acked = true;
      await ack(message ? { response_type: 'ephemeral', ...message } : undefined);
    };
    await safely(
      ctx,
      'command',
      (text) => reply({ text }),
      async () => {
        const actor = await ctx.directory.actor(client, command.user_id);
        if (!actor) return reply({ text: slackErrorText({ code: 'not_admin' }) });
        const parsed = parseCommand(command.text ?? '');
        // The list is the hot path: service.list checks the admin itself and a non-admin gets the
        // same refusal from it, so asking here first would only add a round trip to every /users.
        if (parsed.ok && parsed.command.kind === 'list') {
          return runSubcommand(ctx, parsed.command, {
            actor,
            client,
            reply,
            triggerId: command.trigger_id,
            responseUrl: command.response_url,
          });
        }
        if (!(await ctx.deps.service.isAdmin(actor.email)))
          return reply({ text: slackErrorText({ code: 'not_admin' }) });
        if (!parsed.ok) return reply({ text: usageText(parsed.error) });
        await runSubcommand(ctx, parsed.command, {
          actor,
          client,
          reply,
          triggerId: command.trigger_id,
          responseUrl: command.response_url,
        });
      },
    );
  });
}
