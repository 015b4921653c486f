import { nameKey } from '../../lib/name-key.js';
import type { ImportsRepository } from './imports.repository.js';

type What = 'bureau' | 'author' | 'tag';

/**
 * Bureau, author and tag names by their matching key, read once per transaction (a batch
 * of a bulk import shares one) and kept current as the import creates missing ones.
 */
export function createNameIndex(repo: ImportsRepository, keyOf: (name: string) => string = nameKey) {
  const maps = new Map<What, Map<string, number>>();
  const mapOf = async (what: What) => {
    let m = maps.get(what);
    if (!m) {
      const rows = await repo.names(what);
      // Another lookup may have loaded it while this one waited.
      m = maps.get(what);
      if (m) return m;
      m = new Map();
      // The oldest item wins when two share a key.
      for (const row of rows) {
        const key = keyOf(row.name);
        if (!m.has(key)) m.set(key, row.id);
      }
      maps.set(what, m);
    }
    return m;
  };
  return {
    find: async (what: What, name: string) => (await mapOf(what)).get(keyOf(name)),
    add: async (what: What, name: string, id: number) => void (await mapOf(what)).set(keyOf(name), id),
    /** Read this kind again on the next lookup (another transaction may have added one). */
    forget: (what: What) => void maps.delete(what),
  };
}

export type NameIndex = ReturnType<typeof createNameIndex>;

/**
 * nameKey remembered: a bulk import reads every name once per transaction, and normalising
 * them all again each time would cost more than the read. Pure, so never stale; bounded.
 */
export function memoNameKey(max = 20_000) {
  const keys = new Map<string, string>();
  return (name: string) => {
    let key = keys.get(name);
    if (key === undefined) {
      if (keys.size >= max) keys.clear();
      key = nameKey(name);
      keys.set(name, key);
    }
    return key;
  };
}
