/** The HTTP status an Express/body-parser error carries (413, 400…), or 500 for anything else. */
export function httpStatusOf(err: unknown): number {
  const status = typeof err === 'object' && err !== null && 'status' in err ? err.status : undefined;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}
