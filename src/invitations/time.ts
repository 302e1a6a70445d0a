/** "2026-12-08 09:00 UTC": the one short, unambiguous timestamp for messages, CLI and fallbacks. */
export function shortUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
