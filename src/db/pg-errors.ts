/**
 * Postgres (and PGlite, whose errors are not pg.DatabaseError instances) report a unique violation
 * as code 23505 with the constraint's name. Mapping by name keeps the database the judge of races.
 */
export function uniqueViolation(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const { code, constraint } = err as { code?: unknown; constraint?: unknown };
  return code === '23505' && typeof constraint === 'string' ? constraint : null;
}
