import { defineConfig } from 'drizzle-kit';

// drizzle-kit only needs the schema and where migrations live; the database file
// is the server's business (see src/config.ts), so no credentials here.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './migrations',
});
