import { expect } from 'vitest';
import { blockKitViolations } from '../../src/slack/blocks/violations.js';

/** Small Block Kit payloads for the validator's tests, and a check that one breaks exactly one limit. */
export const plain = (text: string) => ({ type: 'plain_text', text });
export const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
export const x = (n: number) => 'x'.repeat(n);
export const section = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'section',
  text: mrkdwn(text),
  ...extra,
});
export const option = (text = 'A', value = 'a') => ({ text: plain(text), value });
export const button = (extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: 'b',
  text: plain('Go'),
  ...extra,
});
export const confirm = (extra: Record<string, unknown> = {}) => ({
  title: plain('Sure?'),
  text: mrkdwn('Really.'),
  confirm: plain('Yes'),
  deny: plain('No'),
  ...extra,
});
export const modal = (extra: Record<string, unknown> = {}) => ({
  type: 'modal',
  title: plain('Invite users'),
  close: plain('Cancel'),
  blocks: [section('hi')],
  ...extra,
});

/** Checks one payload breaks exactly one limit, named by `pattern`. */
export function breaks(payload: unknown, surface: 'message' | 'modal' | 'home', pattern: RegExp): void {
  const bad = blockKitViolations(payload, surface);
  expect(bad).toHaveLength(1);
  expect(bad[0]).toMatch(pattern);
}
