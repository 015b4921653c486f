import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, migrateDatabase } from './src/db/client.ts';
import { fillNewsroom } from './test/helpers/big-newsroom.ts';
import { toFtsQuery } from './src/lib/fts-query.ts';
const dir = mkdtempSync(join(tmpdir(), 'hb-ds-'));
const db = openDatabase(join(dir, 'x.db')); migrateDatabase(db);
let t = performance.now();
fillNewsroom(db, Number(process.argv[2] ?? 20000));
console.log('build', performance.now() - t, dir);
const q = (m: string) => { const t = performance.now(); const n = db.$client.prepare(`SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts, 10.0, 4.0, 1.0, 2.0) LIMIT 1000`).all(m).length; return [m.slice(0,50), n, (performance.now() - t).toFixed(0)]; };
console.log(q(Array(66).fill('"a"*').join(' ')));
console.log(q(Array(12).fill('"a"*').join(' ')));
for (const s of ['th* an* co* re* st* pr* in* de* ma* se* pa* ca*', 'the and of to a in is it for on was as', 'th* th* th* th* th* th* th* th* th* th* th* th*', 'the the the the the the the the the the the the', 'a* a* a* a* a* a* a* a* a* a* a* a*', 'go* go* go* go* go* go* go* go* go* go* go* go*'])
  console.log(q(toFtsQuery(s)!));
