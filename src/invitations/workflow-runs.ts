import type { Db } from '../db/database.js';
import type { Clock } from './invitation.js';

/**
 * Executions of the Workflow Builder step, by Slack's function_execution_id. `claim` is true for the
 * first delivery only (primary key), so a retried or duplicated event does nothing: the first one
 * invites and reports. A process that dies between claim and report leaves the step to Slack's timeout.
 */
export function createWorkflowRuns(deps: { db: Db; clock: Clock; accountId: string }) {
  return {
    async claim(executionId: string): Promise<boolean> {
      const row = await deps.db
        .insertInto('workflow_runs')
        .values({ execution_id: executionId, account_id: deps.accountId, created_at: deps.clock(), outcome: null })
        .onConflict((oc) => oc.column('execution_id').doNothing())
        .returning('execution_id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async settle(executionId: string, outcome: 'ok' | 'error'): Promise<void> {
      await deps.db.updateTable('workflow_runs').set({ outcome }).where('execution_id', '=', executionId).execute();
    },
  };
}

export type WorkflowRuns = ReturnType<typeof createWorkflowRuns>;
