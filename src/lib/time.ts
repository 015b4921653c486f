/** Times leave and enter the database as fixed-width UTC ISO strings (see db/schema.ts). */
export const nowIso = () => new Date().toISOString();
export const toIso = (value: string) => new Date(value).toISOString();
