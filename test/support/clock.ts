/** A clock tests move by hand: expiry is a fact of time, so tests travel instead of sleeping. */
export function movableClock(start = new Date('2026-12-01T09:00:00Z')) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
    set(date: Date) {
      now = date.getTime();
    },
  };
}
export type MovableClock = ReturnType<typeof movableClock>;

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
