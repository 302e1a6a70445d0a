import { describeRejected, parseCommand, type Role } from '../../../commands/index.js';
import { describeError } from '../../../invitations/errors.js';
import { parseOrigin } from '../../blocks/invite-modal.js';
import { inviteSummary } from '../../blocks/messages.js';
import { type App, type SlackContext, safely } from '../../context.js';
import { slackErrorText } from '../../errors.js';
import { ACTION, BLOCK, CALLBACK } from '../../ids.js';
import { publishHome } from '../../surfaces.js';
import { decodeState } from '../../values.js';

type Parsed =
  | { ok: true; emails: string[]; name: string | null; role: Role }
  | { ok: false; errors: Record<string, string> };

/** Validates the form with the same grammar as `/users invite`, so both accept the same addresses. */
export function parseInviteForm(
  values: Record<string, Record<string, { value?: string | null; selected_option?: { value?: string } | null }>>,
): Parsed {
  const raw = values[BLOCK.inviteEmails]?.[ACTION.inviteEmails]?.value ?? '';
  const name = values[BLOCK.inviteName]?.[ACTION.inviteName]?.value?.trim() || null;
  const role: Role =
    values[BLOCK.inviteRole]?.[ACTION.inviteRole]?.selected_option?.value === 'admin' ? 'admin' : 'member';
  // Options are the command's business; in the form a leading dash can only be a typo.
  if (/(^|[\s,;])--?[a-z]/i.test(raw))
    return { ok: false, errors: { [BLOCK.inviteEmails]: 'Enter email addresses only; choose the role below.' } };
  const parsed = parseCommand(`invite ${raw.replace(/\s+/g, ' ')}`);
  if (!parsed.ok) return { ok: false, errors: { [BLOCK.inviteEmails]: parsed.error } };
  if (parsed.command.kind !== 'invite')
    return { ok: false, errors: { [BLOCK.inviteEmails]: 'Enter email addresses only.' } };
  const [refused] = parsed.command.rejected;
  if (refused) return { ok: false, errors: { [BLOCK.inviteEmails]: describeRejected(refused) } };
  const emails = parsed.command.people.map((p) => p.email);
  if (emails.length === 0) return { ok: false, errors: { [BLOCK.inviteEmails]: 'Enter at least one email address.' } };
  if (name && emails.length > 1) {
    return { ok: false, errors: { [BLOCK.inviteName]: 'A name can only be given when inviting one person.' } };
  }
  return { ok: true, emails, name, role };
}

export function registerInviteSubmit(app: App, ctx: SlackContext): void {
  app.view(CALLBACK.inviteModal, async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    // Nothing runs for a non-admin: the form stays open with the reason on it.
    const actor = await ctx.adminActor(client, userId);
    if (!actor)
      return void (await ack({
        response_action: 'errors',
        errors: { [BLOCK.inviteEmails]: describeError({ code: 'not_admin' }) },
      }));
    const form = parseInviteForm(view.state.values as Parameters<typeof parseInviteForm>[0]);
    if (!form.ok) return void (await ack({ response_action: 'errors', errors: form.errors }));
    await ack();
    const origin = parseOrigin(view.private_metadata);
    const tell = async (message: { text: string; blocks?: unknown[] }) => {
      // Back where `/users invite` was typed; otherwise (App Home) in the app's DM with the admin.
      if (origin.responseUrl) {
        const res = await fetch(origin.responseUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...message }),
        });
        if (res.ok) return;
      }
      await client.chat.postMessage({
        channel: userId,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks as never } : {}),
      });
    };
    await safely(
      ctx,
      'invite modal',
      (text) => tell({ text }),
      async () => {
        const r = await ctx.deps.service.invite(
          actor,
          form.emails.map((email) => ({ email, name: form.name, role: form.role })),
        );
        await tell(r.ok ? inviteSummary(r.value) : { text: slackErrorText(r.error) });
        if (origin.home) await publishHome(ctx, client, userId, decodeState(origin.home) ?? { filter: null, page: 1 });
      },
    );
  });
}
