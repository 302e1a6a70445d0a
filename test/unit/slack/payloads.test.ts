import { describe, expect, it } from 'vitest';
import { ACTION, CALLBACK } from '../../../src/slack/ids.js';
import { payloadProblem } from '../../../src/slack/payloads.js';

const click = (action: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'block_actions',
  user: { id: 'U1', team_id: 'T1' },
  team: { id: 'T1' },
  response_url: 'https://hooks.slack.com/actions/1',
  actions: [{ type: 'overflow', action_id: ACTION.userMenu, block_id: 'b', ...action }],
  ...extra,
});
const command = {
  command: '/users',
  text: 'list',
  user_id: 'U1',
  team_id: 'T1',
  response_url: 'https://hooks.slack.com/c',
};

describe('payloadProblem', () => {
  it('lets well-formed payloads of every kind through', () => {
    expect(payloadProblem(command)).toBeNull();
    expect(payloadProblem(click({ selected_option: { value: 'a1|2' } }))).toBeNull();
    expect(payloadProblem({ payload: JSON.stringify(click({ selected_option: { value: 'x' } })) })).toBeNull();
    expect(payloadProblem(click({ action_id: `${ACTION.page}:next`, value: 'p' }))).toBeNull();
    const view = { id: 'V1', callback_id: CALLBACK.inviteModal, state: { values: { b: { a: { value: null } } } } };
    expect(payloadProblem({ type: 'view_submission', user: { id: 'U1' }, view })).toBeNull();
    const home = { type: 'app_home_opened', user: 'U1', tab: 'home', channel: 'D1' };
    expect(payloadProblem({ type: 'event_callback', team_id: 'T1', event: home })).toBeNull();
    expect(payloadProblem({ type: 'event_callback', event: { type: 'member_joined_channel', user: 'U1' } })).toBeNull();
  });

  it('names where a shape is wrong: a number as selected_option.value, null for an object, no response_url', () => {
    expect(payloadProblem(click({ selected_option: { value: 5 } }))?.where).toEqual([
      'actions.0.selected_option.value',
    ]);
    expect(payloadProblem(click({ value: {} }))?.kind).toBe('block_actions');
    expect(payloadProblem(click({}, { channel: null }))?.where).toEqual(['channel']);
    expect(payloadProblem(click({}, { response_url: undefined }))?.where).toEqual(['response_url']);
    expect(payloadProblem({ ...command, text: ['a', 'b'] })?.where).toEqual(['text']);
    expect(payloadProblem({ ...command, response_url: undefined })?.kind).toBe('command');
    expect(payloadProblem({ type: 'event_callback', event: 'app_home_opened' })?.kind).toBe('event');
    expect(payloadProblem({ type: 'event_callback', event: { type: 'app_home_opened', user: 7 } })).not.toBeNull();
  });

  it('refuses action and callback ids that are not ours', () => {
    expect(payloadProblem(click({ action_id: 'someone_else' }))?.where).toEqual(['actions.0.action_id']);
    const view = { callback_id: 'other', state: { values: {} } };
    expect(payloadProblem({ type: 'view_submission', user: { id: 'U1' }, view })?.where).toEqual(['view.callback_id']);
  });

  it('leaves kinds no listener handles to Bolt, unless asked to refuse them', () => {
    const closed = { type: 'view_closed', user: { id: 'U1' }, view: {} };
    expect(payloadProblem(closed)).toBeNull();
    expect(payloadProblem(closed, 'refuse')?.kind).toBeNull();
    expect(payloadProblem({ payload: '{nope' })?.where).toEqual(['payload (not JSON)']);
    expect(payloadProblem(5)?.where).toEqual(['(not an object)']);
  });
});
