// `npx tsx bench/fts-merge.ts --dataset FILE [--rows 90000] [--per 35] [--settings automerge=4,crisismerge=16]`
//
// What the SQLite search index (FTS5) costs the writer as it grows, under a choice of merge
// settings (migration 0006 sets automerge 16, crisismerge 48): on a copy of a bench dataset
// (`npm run bench -- --dataset DIR --build-only`, then DIR/bench.db), indexes --rows articles
// (the dataset's own text, reused) in transactions of --per rows, as a bulk import's slices
// do, and prints CPU per row, the slowest and 99th-percentile commit, and 200 searches' time
// afterwards. Run the settings to compare one after the other on the same pristine dataset:
// the settings apply to new merges only, so a grown index must not be reused.
import { copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';

const { values } = parseArgs({ options: { dataset: { type: 'string' }, rows: { type: 'string' }, per: { type: 'string' }, settings: { type: 'string' } } });
if (!values.dataset) throw new Error('--dataset FILE (a bench.db) is required');
const rows = Number(values.rows ?? 90_000);
const per = Number(values.per ?? 35);
const settings = (values.settings ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]);

const file = join(tmpdir(), `fts-merge-${process.pid}.db`);
copyFileSync(values.dataset, file);
const db = new BetterSqlite3(file);
try {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -8192'); // as the server's writer
  for (const [key, value] of settings) {
    if (!/^[a-z]+$/.test(key) || !Number.isInteger(Number(value))) throw new Error(`--settings: ${key}=${value}`);
    db.exec(`INSERT INTO articles_fts (articles_fts, rank) VALUES ('${key}', ${Number(value)})`);
  }
  const config = db.prepare('SELECT k, v FROM articles_fts_config').all();
  const texts = db.prepare(`SELECT headline, coalesce(standfirst, '') AS standfirst, body_text AS body FROM articles ORDER BY id LIMIT 2000`).all() as { headline: string; standfirst: string; body: string }[];
  const insert = db.prepare('INSERT INTO articles_fts (rowid, headline, standfirst, body, bylines) VALUES (?, ?, ?, ?, ?)');
  const commits: number[] = [];
  let rowid = 50_000_000;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < rows; i += per) {
    db.exec('BEGIN IMMEDIATE');
    for (let j = 0; j < per; j++) {
      const t = texts[(i + j) % texts.length]!;
      insert.run(rowid++, t.headline, t.standfirst, t.body, 'Ana Bench Rui Bench');
    }
    const c = performance.now();
    db.exec('COMMIT');
    commits.push(performance.now() - c);
  }
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const search = db.prepare('SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?').pluck();
  const q = performance.now();
  for (let i = 0; i < 200; i++) search.get(['bra*', 'ab*', 'lisbon', 'the', 'minister'][i % 5]);
  commits.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  console.log(
    JSON.stringify({
      config,
      rows,
      per,
      usPerRow: round((elapsed * 1000) / rows),
      cpuUsPerRow: round((used.user + used.system) / rows),
      commitP99Ms: round(commits[Math.floor(commits.length * 0.99)]!),
      commitMaxMs: round(commits.at(-1)!),
      searches200Ms: round(performance.now() - q),
    }),
  );
} finally {
  db.close();
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
}
