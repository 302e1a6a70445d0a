import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/text/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['1m', 60_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['7D', 604_800_000],
    [' 10 m ', 600_000],
    ['1MS', 1],
    ['0010s', 10_000],
  ])('%j → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '7', 'd', '0s', '0ms', '-1s', '1.5h', '7 days', '7x', '1h30m', 'off', '1e3s', '99999999999999999d'])(
    'refuses %j',
    (text) => {
      expect(parseDuration(text)).toBeNull();
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [604_800_000, '7 days'],
    [86_400_000, '1 day'],
    [3_600_000, '1 hour'],
    [90 * 60_000, '90 minutes'],
    [60_000, '1 minute'],
    [90_000, '90 seconds'],
    [1_000, '1 second'],
    [1_500, '1500 ms'],
    [0, '0 ms'],
  ])('%d ms → %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips every whole unit it prints', () => {
    for (const text of ['7d', '24h', '90s', '15m']) {
      const ms = parseDuration(text)!;
      const [n, unit] = formatDuration(ms).split(' ');
      expect(parseDuration(`${n}${unit![0]}`)).toBe(ms);
    }
  });
});
