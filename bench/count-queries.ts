// Preloaded into the server under test by `npm run bench -- --probe DIR` (NODE_OPTIONS
// --import; --cpu-prof is not allowed there): counts the statements node-postgres sends (every
// Client#query, the pool's included) into DIR/<engine>.queries, so the benchmark can divide
// them by a workload's requests, and writes a CPU profile of the whole run to
// DIR/<engine>.cpuprofile when the server exits. Imports only built-ins: it is transpiled on
// its own and loaded from a temp dir, so `pg` is resolved from the server's cwd.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

type Pg = { Client: { prototype: { query: (...args: unknown[]) => unknown } } };
const dir = process.env.PROBE_DIR;
const engine = process.env.PROBE_ENGINE ?? 'server';
if (dir) {
  const file = join(dir, `${engine}.queries`);
  const pg = createRequire(join(process.cwd(), 'package.json'))('pg') as Pg;
  const query = pg.Client.prototype.query;
  let count = 0;
  let written = -1;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    count++;
    return query.apply(this, args);
  };
  setInterval(() => {
    if (count !== written) writeFileSync(file, String((written = count)));
  }, 500).unref();

  // An in-process session answers synchronously, so the profile can be taken in 'exit'.
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (err, res) => {
      if (!err) writeFileSync(join(dir, `${engine}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
