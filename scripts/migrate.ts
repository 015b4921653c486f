// Applies pending migrations to the configured database (the server also does this at start).
import { loadConfig } from '../src/config.js';
import { migrateDatabase, openDatabase } from '../src/db/client.js';

const config = loadConfig();
const db = openDatabase(config.databaseFile);
migrateDatabase(db);
db.$client.close();
console.log(`migrations applied to ${config.databaseFile}`);
