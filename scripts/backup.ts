// Online backup: a consistent copy of the live database while the server keeps writing.
//   npm run backup -- ./backups/dateline-2026-11-24.db
// Restore: stop the server, copy the backup over DATABASE_FILE (removing any -wal and -shm
// files beside it), start the server. Or point DATABASE_FILE at the backup.
import { backupDatabase } from '../src/db/backup.js';
import { loadConfig } from '../src/config.js';

const target = process.argv[2];
if (!target) {
  console.error('usage: npm run backup -- <target-file>');
  process.exit(2);
}
const { databaseFile } = loadConfig();
const { pages, ms } = await backupDatabase(databaseFile, target);
console.log(`backed up ${databaseFile} → ${target} (${pages} pages in ${ms} ms)`);
