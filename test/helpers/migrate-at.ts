// A child of test/migrations-together.test.ts: opens the database file, waits for the given
// instant, then migrates, as an instance does at start. The children of one round begin
// migrating within a millisecond of each other, which a real rollout only does by chance.
import { migrateDatabase, openDatabase } from '../../src/db/client.js';

const [file, at, folder] = process.argv.slice(2);
const db = openDatabase(file!);
const start = Number(at);
// Sleep until just before the instant, then spin for the last few milliseconds.
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, start - Date.now() - 5));
while (Date.now() < start);
migrateDatabase(db, folder);
db.$client.close();
