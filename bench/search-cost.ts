// The cost of a search the response cache cannot answer (the first request after any
// write), timed in-process on the benchmark database: W4 over HTTP repeats one URL, which
// the server answers from its cache after the first request.
import type { Database } from '../src/db/database.js';
import { createArticlesService } from '../src/modules/articles/articles.service.js';

export type SearchCost = { query: string; runs: number; p50: number; p99: number };

export async function measureSearchCost(db: Database, word: string, runs = 30): Promise<SearchCost> {
  const articles = createArticlesService(db, { revisionsKeep: 50 });
  const input = { q: word, limit: 20, formats: ['markdown'] } as unknown as Parameters<typeof articles.list>[0];
  await articles.list(input, true);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await articles.list(input, true);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]! * 10) / 10;
  return { query: `q=${word}&limit=20`, runs, p50: at(0.5), p99: at(0.99) };
}
