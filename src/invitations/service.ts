import type { ServiceContext } from './act.js';
import { bulkActions } from './bulk.js';
import { invitationActions } from './invitation-actions.js';
import { inviting } from './inviting.js';
import { memberActions } from './members.js';
import { queries } from './queries.js';
import { settingsActions } from './settings-actions.js';

export type { ActionOptions, Done, ServiceContext } from './act.js';
export type { RenewSummary } from './bulk.js';
export { queuedEmails, queuedText } from './email-queue.js';
export type { Invited } from './invitation-actions.js';
export type { InviteOutcome, InviteRequest } from './inviting.js';
export type { Changed } from './members.js';
export type { SettingsView } from './settings-actions.js';

/**
 * Every rule about users and invitations, for admins. Each action is one transaction that checks,
 * at that moment and once, that the actor is an Active admin and that THE rule (invitation.ts)
 * allows it for the user's current state; adapters only parse and render. Composed from one module
 * per part of the Users page, each a set of plain functions over the same context.
 */
export function createInvitationService(ctx: ServiceContext) {
  return {
    ...queries(ctx),
    ...inviting(ctx),
    ...invitationActions(ctx),
    ...memberActions(ctx),
    ...bulkActions(ctx),
    ...settingsActions(ctx),
  };
}

export type InvitationService = ReturnType<typeof createInvitationService>;
