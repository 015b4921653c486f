import { customType } from 'drizzle-orm/pg-core';

/**
 * A text column that compares bytewise, as every SQLite text column does (BINARY): in UTF-8,
 * byte order is code-point order, so `ORDER BY name`, keyset cursors and the `slug-` … `slug.`
 * ranges give the same rows on both engines whatever locale the database was created with.
 * drizzle-kit has no collation option for pg columns, hence the custom type; `T` narrows
 * enum-like columns the way sqlite-core's `text(name, { enum })` does.
 */
export const text = <T extends string = string>(name: string) =>
  customType<{ data: T; driverData: string }>({ dataType: () => 'text COLLATE "C"' })(name);
