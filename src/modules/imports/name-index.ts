import { nameKey } from '../../lib/name-key.js';
import type { ImportsRepository } from './imports.repository.js';

type What = 'bureau' | 'author' | 'tag';

/**
 * Bureau, author and tag names by their matching key, read once per transaction (a batch
 * of a bulk import shares one) and kept current as the import creates missing ones.
 */
export function createNameIndex(repo: ImportsRepository) {
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
      for (const row of rows) if (!m.has(nameKey(row.name))) m.set(nameKey(row.name), row.id);
      maps.set(what, m);
    }
    return m;
  };
  return {
    find: async (what: What, name: string) => (await mapOf(what)).get(nameKey(name)),
    add: async (what: What, name: string, id: number) => void (await mapOf(what)).set(nameKey(name), id),
  };
}

export type NameIndex = ReturnType<typeof createNameIndex>;
