/**
 * Figures for RELIABILITY.md. Each scenario prints one line per measurement, so the table in
 * RELIABILITY.md can be reproduced by running the suite and reading the `[reliability]` lines:
 *   npx vitest run test/reliability 2>&1 | grep '\[reliability\]'
 */
export function figure(scenario: string, label: string, values: Record<string, number | string | boolean>): void {
  const text = Object.entries(values)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  console.log(`[reliability] ${scenario} | ${label} | ${text}`);
}

/** Where the suite ran, for the figures: PGlite unless TEST_DATABASE_URL points at Postgres. */
export const dbKind = (): string => (process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite');
