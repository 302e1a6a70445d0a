import type { ActionOptions, Done } from '../invitations/act.js';
import type { Result } from '../invitations/errors.js';
import type { Action, Actor, Role, Target } from '../invitations/invitation.js';
import type { InvitationService } from '../invitations/service.js';
import { confirm } from './blocks/confirmations.js';

/** An action's result as Slack shows it: the confirmation text, and the page read with it. */
export type Performed = Result<Done<string>>;

const said = <T>(r: Result<Done<T>>, text: (value: T) => string): Performed =>
  r.ok ? { ok: true, value: { value: text(r.value.value), page: r.value.page } } : r;

/**
 * Every ••• action (but View history, which opens a modal) as one call to the service and the
 * sentence that confirms it. `role` is the role a "Change role" prompt offered.
 */
export async function perform(
  service: InvitationService,
  action: Exclude<Action, 'history'>,
  actor: Actor,
  target: Target,
  options: ActionOptions & { role?: Role | null },
): Promise<Performed> {
  switch (action) {
    case 'copy_link':
      return said(await service.copyLink(actor, target, options), confirm.link);
    case 'resend':
      return said(await service.resend(actor, target, options), confirm.resent);
    case 'send_new':
      return said(await service.sendNew(actor, target, options), confirm.sentNew);
    case 'cancel':
      return said(await service.cancel(actor, target, options), confirm.cancelled);
    case 'invite_again':
      return said(await service.inviteAgain(actor, target, options), confirm.invited);
    case 'change_role':
      if (!options.role) return { ok: false, error: { code: 'invalid_input', detail: 'Pick the new role.' } };
      return said(await service.changeRole(actor, target, options.role, options), confirm.role);
    case 'block':
      return said(await service.block(actor, target, options), confirm.blocked);
    case 'unblock':
      return said(await service.unblock(actor, target, options), confirm.unblocked);
    case 'remove':
      return said(await service.remove(actor, target, options), confirm.removed);
    case 'erase':
      return said(await service.erase(actor, target, options), confirm.erased);
  }
}
