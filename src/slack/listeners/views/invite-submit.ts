import {
  exceedsLimit,
  mergeAddresses,
  type ParsedAddresses,
  parseAddresses,
  type Role,
  TOO_MANY_TEXT,
} from '../../../commands/index.js';
import { parseOrigin } from '../../blocks/invite-modal.js';
import { inviteSummary } from '../../blocks/messages.js';
import { startBulkInvite } from '../../bulk-invite.js';
import { tellOrigin } from '../../bulk-reporter.js';
import { type App, afterAck, ctxOf } from '../../context.js';
import { slackErrorText } from '../../errors.js';
import { ACTION, BLOCK, CALLBACK } from '../../ids.js';
import { downloadUploadedFile, uploadedFileId } from '../../invite-file.js';
import { userText } from '../../mrkdwn.js';
import { type Message, publishHome } from '../../surfaces.js';
import { DEFAULT_STATE, decodeState } from '../../values.js';

type FormValues = Record<
  string,
  Record<string, { value?: unknown; selected_option?: { value?: unknown } | null; files?: unknown }>
>;
type Parsed =
  | (ParsedAddresses & { ok: true; name: string | null; role: Role; fileId: string | null })
  | { ok: false; errors: Record<string, string> };

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The form's values, straight into the address parser `/users invite` uses (no detour through text). */
export function parseInviteForm(values: FormValues): Parsed {
  const raw = text(values[BLOCK.inviteEmails]?.[ACTION.inviteEmails]?.value);
  const name = text(values[BLOCK.inviteName]?.[ACTION.inviteName]?.value).trim() || null;
  const role: Role =
    values[BLOCK.inviteRole]?.[ACTION.inviteRole]?.selected_option?.value === 'admin' ? 'admin' : 'member';
  const fileId = uploadedFileId(values[BLOCK.inviteFile]?.[ACTION.inviteFile]);
  const { people, rejected } = parseAddresses(raw);
  if (exceedsLimit({ rejected })) return { ok: false, errors: { [BLOCK.inviteEmails]: TOO_MANY_TEXT } };
  if (people.length === 0 && !fileId) {
    const why = rejected[0]
      ? `${rejected[0].input}: ${rejected[0].reason}`
      : 'Enter email addresses or attach a CSV file.';
    return { ok: false, errors: { [BLOCK.inviteEmails]: why.slice(0, 150) } };
  }
  if (name && (people.length > 1 || fileId)) {
    return { ok: false, errors: { [BLOCK.inviteName]: 'A name can only be given when inviting one person.' } };
  }
  return { ok: true, people, rejected, name, role, fileId };
}

/** The pasted list, then the attached file's people (downloaded after the ack); or why not. */
async function wholeList(
  client: Parameters<typeof downloadUploadedFile>[0],
  form: ParsedAddresses & { fileId: string | null },
): Promise<ParsedAddresses | string> {
  if (!form.fileId) return form;
  const file = await downloadUploadedFile(client, form.fileId);
  if (!file.ok) return file.reason;
  const list = mergeAddresses(form, parseAddresses(file.text));
  return exceedsLimit(list) ? TOO_MANY_TEXT : list;
}

/**
 * The invite form. Bad input is answered in the ack itself (inline errors, no Web API call); a good
 * one closes the form at once and the invitations are sent after the ack. The service checks the
 * admin; a non-admin is told where the form was opened.
 */
export function registerInviteSubmit(app: App): void {
  app.view(CALLBACK.inviteModal, async ({ ack, body, view, client, context }) => {
    const ctx = ctxOf(context);
    const form = parseInviteForm(view.state.values as FormValues);
    if (!form.ok) return void (await ack({ response_action: 'errors', errors: form.errors }));
    await ack();
    const userId = body.user.id;
    const origin = parseOrigin(view.private_metadata);
    const tell = (m: Message) => tellOrigin(client, userId, origin.responseUrl, m);
    await afterAck(
      ctx,
      'invite modal',
      (t) => tell({ text: t }),
      async () => {
        const list = await wholeList(client, form);
        if (typeof list === 'string') return tell({ text: `:warning: Nobody was invited. ${userText(list, 500)}` });
        const actor = await ctx.actor(client, userId);
        const requests = list.people.map((p) => ({
          email: p.email,
          name: form.name ?? p.name,
          role: p.role ?? form.role,
        }));
        if (actor && requests.length > 1) {
          const bulk = { requestId: `view:${view.id}`, responseUrl: origin.responseUrl, userId, tell };
          return startBulkInvite(ctx, actor, { ...bulk, requests, rejected: list.rejected });
        }
        const r = actor ? await ctx.service.invite(actor, requests) : null;
        await tell(
          r?.ok ? inviteSummary(r.value, list.rejected) : { text: slackErrorText(r ? r.error : { code: 'not_admin' }) },
        );
        if (origin.home && r?.ok) await publishHome(ctx, client, userId, decodeState(origin.home) ?? DEFAULT_STATE);
      },
    );
  });
}
