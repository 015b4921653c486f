export type CacheKind = 'article' | 'author' | 'bureau' | 'tag';

type Related = { id?: unknown; bureau?: Related | null; authors?: Related[]; tags?: Related[] };

/**
 * Surrogate keys naming every item a response (or an event) contains, plus the list key
 * for lists, so a CDN can purge exactly what a change touched.
 */
export function surrogateKeys(kind: CacheKind, payload: unknown): string[] {
  const keys = new Set<string>();
  const add = (prefix: string, x: Related | null | undefined) => {
    if (x && typeof x.id === 'number') keys.add(`${prefix}-${x.id}`);
  };
  const addItem = (item: Related) => {
    add(kind, item);
    add('bureau', item.bureau);
    for (const a of item.authors ?? []) add('author', a);
    for (const t of item.tags ?? []) add('tag', t);
  };
  const list = (payload as { data?: unknown }).data;
  if (Array.isArray(list)) {
    keys.add(`${kind}s`);
    for (const item of list as Related[]) addItem(item);
  } else addItem(payload as Related);
  return [...keys];
}
