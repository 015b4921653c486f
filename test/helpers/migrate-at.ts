// A child of test/migrations-together.test.ts: for each database file in turn, waits for its
// instant (`at` + 400 ms per file before it), then migrates it, as an instance does at start,
// and prints one JSON line with the outcome. The children of one run begin each migration
// within a millisecond of each other, which a real rollout only does by chance.
import { migrateDatabase, openDatabase } from '../../src/db/client.js';

const [at, folder, ...files] = process.argv.slice(2);
const sleepUntil = (instant: number) => {
  // Sleep until just before the instant, then spin for the last few milliseconds.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, instant - Date.now() - 5));
  while (Date.now() < instant);
};
files.forEach((file, i) => {
  const db = openDatabase(file);
  sleepUntil(Number(at) + i * 400);
  try {
    migrateDatabase(db, folder);
    process.stdout.write(`${JSON.stringify({ file, ok: true })}\n`);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ file, ok: false, error: (err as Error).message.split('\n')[0] })}\n`);
  } finally {
    db.$client.close();
  }
});
