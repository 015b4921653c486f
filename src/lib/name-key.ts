/**
 * How names are matched on import: case, accents and spacing do not count, so
 * "ALI  CELIK", "ali çelik" and "Ali Çelik" are one author.
 */
export const nameKey = (name: string): string =>
  name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/gu, ' ').trim();
