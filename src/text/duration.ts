const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses "90s", "1m", "24h", "7d", "500ms" into milliseconds; null when the text is not one of those. */
export function parseDuration(text: string): number | null {
  const [, amount, unit] = /^\s*(\d+)\s*(ms|s|m|h|d)\s*$/i.exec(text) ?? [];
  if (!amount || !unit) return null;
  const value = Number(amount) * UNIT_MS[unit.toLowerCase() as keyof typeof UNIT_MS];
  return value > 0 && Number.isSafeInteger(value) ? value : null;
}

/** The inverse, for messages: 604800000 → "7 days". */
export function formatDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1_000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${ms} ms`;
}
