import t from 'tap';
import { runSoak } from '../../scripts/soak.js';

// 30 s of the mixed workload at 70% of the measured throughput (scripts/soak.ts), after a
// 5 s burst and a warm-up of 20 to 120 s (until a full GC shows in RSS).
t.setTimeout(240_000);

t.test('30 s mixed load at 70% of capacity: no errors, stable p99, flat RSS', async (t) => {
  const r = await runSoak({ seconds: 30, warmup: 20, log: (line) => t.comment(line) });
  t.comment(`max ${r.maxRps} req/s, target ${r.targetRps}, achieved ${r.achievedRps}; warm-up ${r.warmup.seconds} s; results in ${r.file}`);
  for (const c of r.criteria) t.ok(c.pass, `${c.name}: ${c.detail}`);
  t.equal(r.windows.length, 6, 'six 5-second windows');
  t.ok(r.pass);
});
