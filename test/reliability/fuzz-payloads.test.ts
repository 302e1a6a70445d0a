import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNoticeRef } from '../../src/slack/blocks/notice-values.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { DEFAULT_STATE, encodeState } from '../../src/slack/values.js';
import { adminActor } from '../support/app.js';
import { blockAction, eventBody, payloadBody, signedRequest, TEAM_ID, viewSubmission } from '../support/slack.js';
import { figure } from './figures.js';
import { ADMIN_ID, type Rig, STACK_TRACE, startRig } from './harness.js';

// Scenario 7, shapes: every field of every kind of signed Slack payload replaced by arbitrary JSON
// (numbers, objects, arrays, null, deep nesting) or removed. Slack never sends these, but anyone with
// a leaked signing secret, or a future Slack change, could: the answer must stay polite.
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

let rig: Rig;
let row = '';
beforeAll(async () => {
  rig = await startRig();
  const r = await rig.app.deps.service.invite(adminActor, [{ email: 'shape@example.com' }]);
  if (!r.ok || !r.value[0]?.result.ok) throw new Error('setup');
  const invited = r.value[0].result.value;
  row = encodeNoticeRef({ userId: String(invited.userId), invitationId: invited.invitationId });
});
afterAll(async () => {
  await rig?.close();
});

const state = encodeState(DEFAULT_STATE);
const button = (actionId: string, value: string) => ({
  type: 'button',
  action_id: actionId,
  value,
  text: { type: 'plain_text', text: 'x' },
});
const option = (type: string, actionId: string, value: string) => ({
  type,
  action_id: actionId,
  selected_option: { text: { type: 'plain_text', text: 'x' }, value },
});

/** One well-formed payload of each kind our listeners handle, as Slack sends it. */
function templates(responseUrl: string): { kind: string; json: boolean; body: Record<string, Json> }[] {
  const click = (action: Record<string, Json>, home = false) =>
    blockAction(action, { userId: ADMIN_ID, responseUrl, ...(home ? { home: { privateMetadata: state } } : {}) });
  const actions = [
    click(option('overflow', ACTION.userMenu, `a1|1|${row}`)),
    click(button(ACTION.userHistory, '1')),
    click(button(`${ACTION.page}:next`, state)),
    click(button(ACTION.inviteButton, state), true),
    click(button(ACTION.promptConfirm, 'x')),
    click(button(ACTION.promptKeep, 'x')),
    click(option('static_select', ACTION.homeFilter, state), true),
    click({ type: 'plain_text_input', action_id: ACTION.homeSearch, value: 'ann' }, true),
    click(button(ACTION.renewAll, 'all')),
    click(button(ACTION.noticeSendNew, row)),
    click(button(ACTION.noticeCopyLink, row)),
  ];
  const values = {
    [BLOCK.inviteEmails]: { [ACTION.inviteEmails]: { type: 'plain_text_input', value: 'new@example.com' } },
    [BLOCK.inviteName]: { [ACTION.inviteName]: { type: 'plain_text_input', value: 'New' } },
    [BLOCK.inviteRole]: { [ACTION.inviteRole]: { type: 'radio_buttons', selected_option: { value: 'member' } } },
  };
  const submit = viewSubmission(
    { callbackId: CALLBACK.inviteModal, values, privateMetadata: JSON.stringify({ responseUrl, home: null }) },
    ADMIN_ID,
  );
  const command = {
    token: 'legacy',
    team_id: TEAM_ID,
    channel_id: 'C0CHAN',
    user_id: ADMIN_ID,
    command: '/users',
    text: 'list',
    api_app_id: 'A0APP',
    response_url: responseUrl,
    trigger_id: 'trigger.1',
  };
  const home = JSON.parse(
    eventBody({ type: 'app_home_opened', user: ADMIN_ID, channel: 'D0', tab: 'home', event_ts: '1.1' }),
  ) as Record<string, Json>;
  return [
    ...actions.map((body) => ({ kind: 'block_actions', json: false, body: body as Record<string, Json> })),
    { kind: 'view_submission', json: false, body: submit as Record<string, Json> },
    { kind: 'command', json: false, body: command },
    { kind: 'command', json: true, body: command },
    { kind: 'event', json: true, body: home },
  ];
}

/** Every path in a value: each key of each object and each index of each array, at any depth. */
function paths(value: Json, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
}

const REMOVE = Symbol('remove');
function replaced(root: Record<string, Json>, path: string[], value: Json | typeof REMOVE): Record<string, Json> {
  const copy = structuredClone(root);
  let at: Record<string, Json> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, Json>;
  const last = path[path.length - 1] ?? '';
  if (value === REMOVE) delete at[last];
  else at[last] = value;
  return copy;
}

const nested = (depth: number, leaf: Json, asArray: boolean): Json => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
};
const anyJson: fc.Arbitrary<Json | typeof REMOVE> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(null, 0, -1, 1.5, 1e308, true, false, [], {}, '', [null], { value: 1 }),
  fc
    .tuple(fc.integer({ min: 20, max: 1000 }), fc.jsonValue({ maxDepth: 1 }), fc.boolean())
    .map(([d, leaf, arr]) => nested(d, leaf as Json, arr)),
  fc.constant(REMOVE),
);

/** A form body as Slack sends commands: a field given an array repeats the key, anything else is its JSON. */
function formBody(body: Record<string, Json>): string {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) {
    if (Array.isArray(v)) for (const each of v) form.append(k, typeof each === 'string' ? each : JSON.stringify(each));
    else form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return form.toString();
}

/** The payloads to send: a template with 1 to 3 of its fields replaced by arbitrary JSON or removed. */
function cases(all: ReturnType<typeof templates>, runs: number, seed: number) {
  const change = fc.tuple(fc.nat(), anyJson);
  const arb = fc.tuple(fc.nat(all.length - 1), fc.array(change, { minLength: 1, maxLength: 3 }));
  return fc.sample(arb, { numRuns: runs, seed }).map(([which, changes]) => {
    const t = all[which] ?? all[0];
    if (!t) throw new Error('no templates');
    let body = t.body;
    for (const [n, value] of changes) {
      const path = paths(body)[n % Math.max(1, paths(body).length)];
      if (path) body = replaced(body, path, value);
    }
    const raw = t.json ? JSON.stringify(body) : t.kind === 'command' ? formBody(body) : payloadBody(body);
    return { kind: t.kind, json: t.json, body, raw };
  });
}

describe('fuzzing the shape of every Slack payload over HTTP', () => {
  it('arbitrary JSON in any field of commands, clicks, modal submissions and events: answered, never a crash', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
    const all = cases(templates(rig.slack.responseUrl().url), Number(process.env.FUZZ_RUNS ?? 500), seed);
    const problems: string[] = [];
    let slowest = 0;
    // A few at a time, as Slack delivers them: a request Bolt cannot route waits out the 2.5 s late-ack timer.
    for (let i = 0; i < all.length; i += 8) {
      await Promise.all(
        all.slice(i, i + 8).map(async (c) => {
          const started = Date.now();
          const res = await signedRequest(rig.app, c.raw, c.json ? { contentType: 'application/json' } : {});
          const text = await res.text();
          slowest = Math.max(slowest, Date.now() - started);
          if (process.env.FUZZ_DEBUG && Date.now() - started > 2000)
            console.log('slow', c.kind, JSON.stringify(c.body));
          const where = `${c.kind} ${JSON.stringify(c.body).slice(0, 300)}`;
          if (res.status >= 500) problems.push(`${where}: ${res.status}`);
          if (STACK_TRACE.test(text)) problems.push(`${where}: stack trace`);
          // A command is answered in words, in its ack or through its response_url.
          if (c.kind === 'command' && res.status === 200 && text !== '' && !/"text":"[^"]+/.test(text))
            problems.push(`${where}: unreadable answer ${text.slice(0, 100)}`);
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 500));
    // A listener that threw, or a request nobody acknowledged, logs at error level (50).
    const crashes = rig.app.logs.filter((l) => /"level":50/.test(l));
    const refused = rig.app.logs.filter((l) => l.includes('wrong shape')).length;
    figure('S7 fuzzing', 'payload shapes', {
      seed,
      requests: all.length,
      refused,
      slowestMs: slowest,
      problems: problems.length,
      crashes: crashes.length,
    });
    if (crashes.length) console.log(crashes.slice(0, 5).join('\n'));
    expect(problems.slice(0, 10)).toEqual([]);
    expect(crashes.slice(0, 5)).toEqual([]);
    expect(refused).toBeGreaterThan(all.length / 2);
    // Still serving: a well-formed command right after.
    const ok = await signedRequest(rig.app, formBody(templates(rig.slack.responseUrl().url).at(-3)?.body ?? {}));
    expect(ok.status).toBe(200);
  }, 180_000);
});
