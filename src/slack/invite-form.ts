import { type InviteOrigin, inviteModal } from './blocks/invite-modal.js';
import { loadingModal } from './blocks/messages.js';
import type { SlackContext, WebClient } from './context.js';
import { slackErrorText } from './errors.js';

/**
 * Opens the invite form. views.open comes first, before anything that can be slow (a trigger_id
 * lasts 3 seconds); then the opener is checked and, if not an admin, the form is replaced by the
 * refusal. Submitting it is checked again by the service anyway.
 */
export async function openInviteForm(
  ctx: SlackContext,
  client: WebClient,
  p: { triggerId: string; userId: string; origin: InviteOrigin },
): Promise<void> {
  const opened = await client.views.open({ trigger_id: p.triggerId, view: inviteModal(p.origin) });
  const actor = await ctx.actor(client, p.userId);
  if (actor && (await ctx.service.isAdmin(actor))) return;
  const viewId = opened.view?.id;
  if (viewId) {
    await client.views.update({
      view_id: viewId,
      view: loadingModal('Invite users', slackErrorText({ code: 'not_admin' })),
    });
  }
}
