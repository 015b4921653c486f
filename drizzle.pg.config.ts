import { defineConfig } from 'drizzle-kit';

// The PostgreSQL twin of drizzle.config.ts: the same tables from src/db/pg/schema.ts, into
// their own folder. No credentials: the server reads DATABASE_URL (see src/config.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/pg/schema.ts',
  out: './migrations/pg',
});
