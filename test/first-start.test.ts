import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { seedDemoData } from '../src/db/demo.js';
import { createFirstToken } from '../src/modules/tokens/first-token.js';
import { countTokens } from '../src/modules/tokens/tokens.service.js';
import { testConfig } from './helpers/app.js';

// Two instances' first start on one empty database, interleaved: each runs what server.ts
// runs after building the app. Each step checks and creates in one unit of work, so there
// is one demo newsroom and one first admin token, not one per instance. (The same start
// with real processes is test/e2e/multi-instance-start.test.ts; this one interleaves the
// two for certain.)
t.test('two instances starting on one empty database: one demo newsroom, one first admin token', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dateline-first-start-'));
  const config = testConfig(dir);
  const apps = [await buildApp({ config, logger: false }), await buildApp({ config, logger: false })];
  t.teardown(async () => {
    await Promise.all(apps.map((app) => app.close()));
    rmSync(dir, { recursive: true, force: true });
  });
  const seeded = await Promise.all(apps.map((app) => seedDemoData(app.db)));
  t.same(seeded.sort(), [false, true], 'one instance seeded, the other found it done');
  const tokens = await Promise.all(apps.map((app) => createFirstToken(app.db)));
  t.equal(tokens.filter((x) => x !== null).length, 1, 'one instance made the first token');
  t.equal(await countTokens(apps[1]!.db), 1, 'and there is one');
});
