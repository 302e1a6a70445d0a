import { describeError } from '../../../invitations/errors.js';
import type { Actor } from '../../../invitations/invitation.js';
import { type App, ctxOf, type SlackContext } from '../../context.js';
import { FUNCTIONS } from '../../ids.js';

/** Slack's `slack#/types/interactivity` input: who ran the workflow, vouched for by Slack. */
interface Interactivity {
  interactor?: { id?: unknown };
}

const NOT_ADMIN =
  'Only an administrator of the Marketplace account can invite people. Whoever runs this workflow must be one.';

/**
 * The Workflow Builder step "Invite to Marketplace": inputs email, optional name and role, and
 * Slack's interactivity (the person who ran the workflow, who must be an account admin: a workflow's
 * author cannot invite in someone else's name). Every rule and audit of `/users invite` applies.
 * Bolt acknowledges first; each execution is claimed once, so a redelivered event invites nobody
 * twice and the step is completed exactly once (completeSuccess or completeError).
 */
export function registerInviteStep(app: App): void {
  app.function(FUNCTIONS.invite, async ({ inputs, complete, fail, client, event, context }) => {
    const ctx = ctxOf(context);
    const executionId = event.function_execution_id;
    if (!(await ctx.workflowRuns.claim(executionId))) {
      ctx.log.info({ executionId }, 'workflow step delivered again: already handled');
      return;
    }
    // Decided first, reported once: a failing completeSuccess is never followed by a completeError.
    const outcome = await run(ctx, inputs, (id) => ctx.actor(client, id)).catch((err: unknown): Outcome => {
      ctx.log.error({ err, executionId }, 'workflow step failed');
      return { ok: false, error: 'The invitation could not be sent because of an error on our side.' };
    });
    try {
      await (outcome.ok ? complete({ outputs: outcome.outputs }) : fail({ error: outcome.error }));
      await ctx.workflowRuns.settle(executionId, outcome.ok ? 'ok' : 'error');
    } catch (err) {
      ctx.log.error({ err, executionId }, 'could not report the workflow step to Slack');
    }
  });
}

type Outcome = { ok: true; outputs: Record<string, unknown> } | { ok: false; error: string };

async function run(
  ctx: SlackContext,
  inputs: Record<string, unknown>,
  actorOf: (slackUserId: string) => Promise<Actor | null>,
): Promise<Outcome> {
  const interactor = (inputs.interactivity as Interactivity | undefined)?.interactor?.id;
  const slackActor = typeof interactor === 'string' ? await actorOf(interactor) : null;
  if (!slackActor) return { ok: false, error: NOT_ADMIN };
  const actor: Actor = { ...slackActor, kind: 'workflow' };
  const email = typeof inputs.email === 'string' ? inputs.email : '';
  const name = typeof inputs.name === 'string' && inputs.name.trim() ? inputs.name : null;
  const given = inputs.role ?? '';
  const role = given === 'admin' || given === 'member' ? given : null;
  if (given !== '' && !role) return { ok: false, error: 'The role must be admin or member.' };
  const r = await ctx.service.invite(actor, [{ email, name, role }]);
  const one = r.ok ? r.value[0]?.result : r;
  if (!one?.ok) {
    const error = one?.error ?? { code: 'invalid_input' as const };
    return { ok: false, error: error.code === 'not_admin' ? NOT_ADMIN : describeError(error) };
  }
  return { ok: true, outputs: { status: 'invited', expires_at: Math.floor(one.value.expiresAt.getTime() / 1000) } };
}
