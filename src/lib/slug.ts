import slugify from '@sindresorhus/slugify';

// Slugs that look like numbers would be read as ids by `/{idOrSlug}` routes.
export const SLUG_PATTERN = /^(?!\d+$)[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function slugFrom(text: string, fallback: string): string {
  // NFKC first: ligatures (ﬁ), full-width letters and digits would otherwise be dropped.
  const base = slugify(text.normalize('NFKC'), { decamelize: false }).slice(0, 80).replace(/-+$/, '');
  if (!base) return fallback;
  return /^\d+$/.test(base) ? `${fallback}-${base}` : base;
}

/** Picks `base`, or `base-2`, `base-3`… whichever is not in `taken`. */
export function uniqueSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
