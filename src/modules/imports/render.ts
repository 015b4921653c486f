import type { WorkerPool } from '../../workers/pool.js';
import { prepareLine, revive, type LineItem, type RawLine } from './import-lines.js';
import type { PrepareOptions } from './imports.prepare.js';

/** Reads and renders a run of bulk-import lines; never rejects: a line that fails is an item with its error. */
export type PrepareLines = (lines: RawLine[], opts: PrepareOptions) => Promise<LineItem[]>;

/**
 * On the worker pool, a run of lines per task so a thread hop is paid per run, not per line.
 * A run that fails as a whole (over its rendering budget, or the pool busy) is retried line
 * by line, each body with its own budget, so only the line at fault is refused.
 */
export const prepareOnPool =
  (workers: Pick<WorkerPool, 'prepareImportLines' | 'renderBody'>): PrepareLines =>
  async (lines, opts) => {
    try {
      return (await workers.prepareImportLines(lines, opts)).map(revive);
    } catch {
      const items: LineItem[] = [];
      for (const { line, text } of lines) {
        try {
          const prepared = prepareLine(text, line, opts);
          items.push({ line, prepared, body: await workers.renderBody(prepared.article.body) });
        } catch (error) {
          items.push({ line, error });
        }
      }
      return items;
    }
  };
