/**
 * Postgres (and PGlite, whose errors are not pg.DatabaseError instances) report a unique violation
 * as code 23505 with the constraint's name. Mapping by name keeps the database the judge of races.
 */
export function uniqueViolation(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const { code, constraint } = err as { code?: unknown; constraint?: unknown };
  return code === '23505' && typeof constraint === 'string' ? constraint : null;
}

/** Connection-level SQLSTATE classes: the server went away, refused us, or is shutting down. */
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '57014', '53100', '53000', '58030']);

/**
 * True when the database did not do the work because it could not be reached or could not write
 * (connection refused or dropped, timeouts, a full disk): the user may simply try again, and no
 * rule refused anything.
 */
export function databaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08') || /^E[A-Z]+$/.test(code)))
    return true;
  return (
    typeof message === 'string' &&
    /connection terminated|timeout exceeded when trying to connect|query read timeout|refusing database work|no space left|the database is not taking work/i.test(
      message,
    )
  );
}
