import t from 'tap';
import { runSoak } from '../../scripts/soak.js';
import { engine, sharedDatabase } from '../helpers/instances.js';

// The mixed workload at 70% of the measured throughput (scripts/soak.ts), after a 5 s burst
// and a warm-up of 20 to 120 s (until a full GC shows in RSS), on DATELINE_TEST_ENGINE's
// database. 30 s measured on SQLite; 15 s on PostgreSQL, whose run has the whole suite
// again to get through, judged by the same criteria.
t.setTimeout(240_000);
const seconds = engine === 'postgres' ? 15 : 30;

t.test(`${seconds} s mixed load at 70% of capacity (${engine}): no errors, stable p99, flat RSS`, async (t) => {
  const { target } = await sharedDatabase(t);
  const r = await runSoak({ seconds, warmup: 20, target, log: (line) => t.comment(line) });
  t.comment(`max ${r.maxRps} req/s, target ${r.targetRps}, achieved ${r.achievedRps}; warm-up ${r.warmup.seconds} s; results in ${r.file}`);
  for (const c of r.criteria) t.ok(c.pass, `${c.name}: ${c.detail}`);
  t.equal(r.windows.length, seconds / 5, `${seconds / 5} 5-second windows`);
  t.ok(r.pass);
});
