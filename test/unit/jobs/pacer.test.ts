import { describe, expect, it } from 'vitest';
import { Pacer } from '../../../src/jobs/pacer.js';
import { movableClock } from '../../support/clock.js';

describe('Pacer', () => {
  it('allows at most N calls in any sliding minute, per method', () => {
    const clock = movableClock();
    const pacer = new Pacer({ a: 3 }, clock.now);
    const start = clock.now().getTime();
    expect([pacer.take('a'), pacer.take('a')]).toEqual([true, true]);
    clock.advance(20_000);
    expect([pacer.take('a'), pacer.take('a')]).toEqual([true, false]);
    // Free again when the first call leaves the window, not before.
    expect(pacer.nextFree('a').getTime()).toBe(start + 60_000);
    clock.advance(39_999);
    expect(pacer.take('a')).toBe(false);
    clock.advance(1);
    expect(pacer.take('a')).toBe(true);
    expect(pacer.take('unpaced')).toBe(true);
  });

  it('honours a pause (Retry-After) even with room in the window', () => {
    const clock = movableClock();
    const pacer = new Pacer({ a: 50 }, clock.now);
    pacer.pause('a', new Date(clock.now().getTime() + 30_000));
    expect(pacer.take('a')).toBe(false);
    expect(pacer.nextFree('a').getTime()).toBe(clock.now().getTime() + 30_000);
    clock.advance(30_000);
    expect(pacer.take('a')).toBe(true);
  });
});
