// `npx tsx bench/import-floor.ts --from FILE --into FILE [--per 35] [--rounds 2] [--skip search,revision,audit,record,byline] [--multi]`
//
// The floor under W8 on SQLite: what SQLite alone takes to store what a bulk import stores,
// with no HTTP, no JavaScript of ours and no Drizzle in between. --from is a bench database a
// W8 run has imported into (`npm run bench -- --only W8 --dataset DIR`: DIR/bench.db), --into
// the pristine dataset it started from. The rows the import wrote (articles, bylines,
// revisions, audit events, import records) are read into memory, then written again into a
// copy of --into with prepared statements, one row per statement, in transactions of --per
// articles, each ending with the search index's batch exactly as a bulk slice does
// (src/db/sqlite-dialect.ts: search.batch), on one connection with the writer's settings.
// Prints the writer's CPU per article and the articles/s one core could sustain doing only
// this: the import's rate cannot pass it, whatever runs around the writer. --skip leaves parts
// out, to see what each costs (what is left is then no longer what an import must store).
// --multi writes each table's rows of a transaction in one multi-row INSERT instead.
import { copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';

const { values } = parseArgs({ options: { from: { type: 'string' }, into: { type: 'string' }, per: { type: 'string' }, rounds: { type: 'string' }, skip: { type: 'string' }, multi: { type: 'boolean' } } });
if (!values.from || !values.into) throw new Error('--from FILE (after a W8 run) and --into FILE (the pristine dataset) are required');
const per = Number(values.per ?? 35);
const rounds = Number(values.rounds ?? 2);
const skip = new Set((values.skip ?? '').split(',').filter(Boolean));
for (const part of skip) if (!['search', 'revision', 'audit', 'record', 'byline'].includes(part)) throw new Error(`--skip: no part "${part}"`);

type Row = Record<string, unknown>;
const pristine = new BetterSqlite3(values.into, { readonly: true });
const firstNew = (pristine.prepare('SELECT coalesce(max(id), 0) + 1 FROM articles').pluck().get() as number);
pristine.close();

// What the import wrote, grouped by article; ids of their own (revisions, audit) are left to SQLite.
const source = new BetterSqlite3(values.from, { readonly: true });
const all = (query: string) => source.prepare(query).all(firstNew) as Row[];
const articles = all('SELECT * FROM articles a WHERE id >= ? AND EXISTS (SELECT 1 FROM import_sources s WHERE s.article_id = a.id) ORDER BY id');
const group = (rows: Row[], key: string) => {
  const by = new Map<unknown, Row[]>();
  for (const r of rows) by.set(r[key], [...(by.get(r[key]) ?? []), r]);
  return by;
};
const drop = (rows: Row[], column: string) => rows.map(({ [column]: _, ...rest }) => rest);
const bylines = group(all('SELECT * FROM article_authors WHERE article_id >= ? ORDER BY article_id, position'), 'article_id');
const revisions = group(drop(all('SELECT * FROM article_revisions WHERE article_id >= ? ORDER BY id'), 'id'), 'article_id');
const audit = group(drop(all(`SELECT * FROM audit_events WHERE resource_type = 'article' AND resource_id >= ? ORDER BY id`), 'id'), 'resource_id');
const imports = group(all('SELECT * FROM import_sources WHERE article_id >= ?'), 'article_id');
source.close();
if (articles.length === 0) throw new Error(`--from holds no imported articles above id ${firstNew - 1}: run W8 on a copy of --into first`);

/** An INSERT of `rows` rows per statement, prepared once per row count. */
function insertInto(db: BetterSqlite3.Database, table: string, sample: Row) {
  const columns = Object.keys(sample);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const prepared = new Map<number, BetterSqlite3.Statement>();
  return (rows: Row[]) => {
    if (rows.length === 0) return;
    let statement = prepared.get(rows.length);
    if (!statement) {
      statement = db.prepare(`INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${Array(rows.length).fill(tuple).join(', ')}`);
      prepared.set(rows.length, statement);
    }
    statement.run(rows.flatMap((row) => columns.map((c) => row[c])));
  };
}

function round(n: number) {
  const file = join(tmpdir(), `import-floor-${process.pid}-${n}.db`);
  copyFileSync(values.into!, file);
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -8192');
    const first = <T>(m: Map<unknown, T[]>) => m.values().next().value![0]!;
    const put = {
      article: insertInto(db, 'articles', articles[0]!),
      byline: insertInto(db, 'article_authors', first(bylines)),
      revision: insertInto(db, 'article_revisions', first(revisions)),
      audit: insertInto(db, 'audit_events', first(audit)),
      record: insertInto(db, 'import_sources', first(imports)),
    };
    const defer = db.prepare('UPDATE search_index_deferral SET after_article_id = (SELECT coalesce(max(id), 0) FROM articles) WHERE id = 1');
    const index = db.prepare(`INSERT INTO articles_fts (rowid, headline, standfirst, body, bylines)
      SELECT a.id, a.headline, coalesce(a.standfirst, ''), a.body_text, coalesce((SELECT group_concat(name, ' ') FROM (SELECT au.name AS name FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id ORDER BY aa.position)), '') FROM articles a
      WHERE a.id > (SELECT after_article_id FROM search_index_deferral WHERE id = 1)`);
    const undefer = db.prepare('UPDATE search_index_deferral SET after_article_id = NULL WHERE id = 1');
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < articles.length; i += per) {
      db.exec('BEGIN IMMEDIATE');
      defer.run();
      const slice = articles.slice(i, i + per);
      const parts = [
        ['article', put.article, (a: Row) => [a]],
        ['byline', put.byline, (a: Row) => bylines.get(a.id) ?? []],
        ['revision', put.revision, (a: Row) => revisions.get(a.id) ?? []],
        ['audit', put.audit, (a: Row) => audit.get(a.id) ?? []],
        ['record', put.record, (a: Row) => imports.get(a.id) ?? []],
      ] as const;
      const kept = parts.filter(([part]) => !skip.has(part));
      if (values.multi) for (const [, write, rows] of kept) write(slice.flatMap(rows));
      else for (const a of slice) for (const [, write, rows] of kept) for (const r of rows(a)) write([r]);
      if (!skip.has('search')) index.run();
      undefer.run();
      db.exec('COMMIT');
    }
    const used = process.cpuUsage(cpu);
    const cpuUs = (used.user + used.system) / articles.length;
    return { articles: articles.length, cpuUsPerArticle: Math.round(cpuUs), wallUsPerArticle: Math.round(((performance.now() - started) * 1000) / articles.length), oneCoreArticlesPerSec: Math.round(1e6 / cpuUs) };
  } finally {
    db.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  }
}

for (let n = 1; n <= rounds; n++) console.log(JSON.stringify({ round: n, per, skip: [...skip], multi: Boolean(values.multi), ...round(n) }));
