/**
 * A sliding one-minute window per Slack method: at most `perMinute[method]` calls in any 60 s, and
 * none before a Retry-After has passed. Pure over the injected clock, so tests move time instead of
 * sleeping. It is per process: Slack counts per app and workspace, so several instances could add up
 * — a 429 they cause is still handled (paused and retried after Retry-After), never lost.
 */
export class Pacer {
  private readonly calls = new Map<string, number[]>();
  private readonly pausedUntil = new Map<string, number>();

  constructor(
    private readonly perMinute: Readonly<Record<string, number>>,
    private readonly clock: () => Date,
  ) {}

  /** Takes one call of `method` now, or returns false (then see `nextFree`). */
  take(method: string): boolean {
    const now = this.clock().getTime();
    if ((this.pausedUntil.get(method) ?? 0) > now) return false;
    const recent = this.recent(method, now);
    if (recent.length >= (this.perMinute[method] ?? Number.POSITIVE_INFINITY)) return false;
    recent.push(now);
    return true;
  }

  /** The first moment `method` may be called again. */
  nextFree(method: string): Date {
    const now = this.clock().getTime();
    const recent = this.recent(method, now);
    const limit = this.perMinute[method] ?? Number.POSITIVE_INFINITY;
    const windowFree = recent.length < limit ? now : (recent[recent.length - limit] ?? now) + 60_000;
    return new Date(Math.max(windowFree, this.pausedUntil.get(method) ?? 0));
  }

  /** Slack said 429: no call of `method` before `until`. */
  pause(method: string, until: Date): void {
    this.pausedUntil.set(method, Math.max(until.getTime(), this.pausedUntil.get(method) ?? 0));
  }

  private recent(method: string, now: number): number[] {
    const kept = (this.calls.get(method) ?? []).filter((t) => t > now - 60_000);
    this.calls.set(method, kept);
    return kept;
  }
}
