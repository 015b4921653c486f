import { AppError } from '../errors.js';

// U+0000 in text. SQLite stores it; PostgreSQL's text type cannot hold it (the write fails),
// and no headline, name, slug or body has a use for it. So it is refused everywhere a
// caller's text comes in — path, query, JSON bodies, wire text, bulk lines — with a 400
// naming the field, and both engines answer the same.

/** Where in `value` a string holds U+0000 (`prefix.a.0.b`), or undefined. */
export function nulPath(value: unknown, prefix: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? prefix : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes('\u0000')) return `${prefix}.${key.replaceAll('\u0000', '\\u0000')}`;
    const found = nulPath(inner, `${prefix}.${key}`);
    if (found) return found;
  }
  return undefined;
}

export const nulError = (path: string) =>
  new AppError('validation_failed', `${path} contains the character U+0000, which is not accepted in text`, {
    errors: [{ path, message: 'Contains U+0000 (NUL)' }],
  });

/** Throws a 400 when `value` holds U+0000 anywhere. JSON text without a `\u0000` escape is skipped unread. */
export function refuseNul(value: unknown, prefix: string, jsonText?: string): void {
  if (jsonText !== undefined && !/\\u0000/i.test(jsonText)) return;
  const path = nulPath(value, prefix);
  if (path) throw nulError(path);
}
