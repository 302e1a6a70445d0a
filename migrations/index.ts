import type { Migration } from 'kysely';
import * as initial from './2026-11-28T22-50-00-initial.js';
import * as emailEvents from './2026-12-02T09-00-00-email-events.js';
import * as notices from './2026-12-03T09-00-00-notices.js';
import * as perf from './2026-12-04T09-00-00-perf.js';
import * as bounceNotices from './2026-12-05T09-00-00-bounce-notices.js';
import * as usersPage from './2026-12-06T09-00-00-users-page.js';
import * as sendAttempts from './2026-12-06T11-00-00-send-attempts.js';
import * as installations from './2026-12-06T16-00-00-installations.js';
import * as slackConnection from './2026-12-07T12-00-00-slack-connection.js';
import * as emailQueue from './2026-12-07T13-00-00-email-queue.js';
import * as inviteeReminders from './2026-12-07T13-30-00-invitee-reminders.js';
import * as newInvitationRequests from './2026-12-07T15-00-00-new-invitation-requests.js';
import * as invitationDms from './2026-12-07T15-30-00-invitation-dms.js';
import * as workflowRuns from './2026-12-07T15-45-00-workflow-runs.js';
import * as bulkInvites from './2026-12-07T17-00-00-bulk-invites.js';
import * as accountSettings from './2026-12-08T11-00-00-account-settings.js';

/**
 * Static list instead of FileMigrationProvider: it works under vitest and tsx alike and the
 * build sees every migration. Keys sort by ISO timestamp, which is the order Kysely runs them.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-28T22-50-00-initial': initial,
  '2026-12-02T09-00-00-email-events': emailEvents,
  '2026-12-03T09-00-00-notices': notices,
  '2026-12-04T09-00-00-perf': perf,
  '2026-12-05T09-00-00-bounce-notices': bounceNotices,
  '2026-12-06T09-00-00-users-page': usersPage,
  '2026-12-06T11-00-00-send-attempts': sendAttempts,
  '2026-12-06T16-00-00-installations': installations,
  '2026-12-07T12-00-00-slack-connection': slackConnection,
  '2026-12-07T15-00-00-new-invitation-requests': newInvitationRequests,
  '2026-12-07T13-00-00-email-queue': emailQueue,
  '2026-12-07T13-30-00-invitee-reminders': inviteeReminders,
  '2026-12-07T15-30-00-invitation-dms': invitationDms,
  '2026-12-07T15-45-00-workflow-runs': workflowRuns,
  '2026-12-07T17-00-00-bulk-invites': bulkInvites,
  '2026-12-08T11-00-00-account-settings': accountSettings,
};
