/**
 * The fields of a posted form, or null when the body is not a form we sent: not urlencoded,
 * a field missing, or a field given twice (which urlencoded parsing turns into an array).
 */
export function readFields<K extends string>(body: unknown, names: readonly K[]): Record<K, string> | null {
  if (!body || typeof body !== 'object') return null;
  const fields = {} as Record<K, string>;
  for (const name of names) {
    const value: unknown = (body as Record<string, unknown>)[name];
    if (typeof value !== 'string') return null;
    fields[name] = value;
  }
  return fields;
}
