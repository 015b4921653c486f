// Creates an API token on the configured database (DATABASE_URL's PostgreSQL, else the
// DATABASE_FILE SQLite file; migrated first if new) and prints the secret once.
//   npm run token -- create --name "Night desk" [--role admin|editor|writer|viewer] [--expires 2027-01-01T00:00:00Z]
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../src/config.js';
import { openConfigured } from '../src/db/open.js';
import { tokenRoles } from '../src/db/schema.js';
import { createToken } from '../src/modules/tokens/tokens.service.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, role: { type: 'string', default: 'admin' }, expires: { type: 'string' } },
});
const args = z
  .object({
    command: z.literal('create'),
    name: z.string({ error: 'give the token a --name' }).min(1, 'give the token a --name'),
    role: z.enum(tokenRoles),
    expires: z.iso.datetime({ offset: true }).optional(),
  })
  .safeParse({ command: positionals[0], ...values });
if (!args.success) {
  console.error('usage: npm run token -- create --name NAME [--role admin|editor|writer|viewer] [--expires ISO-TIME]');
  for (const issue of args.error.issues) console.error(`  ${issue.path.join('.')}: ${issue.message}`);
  process.exit(2);
}
const config = loadConfig();
const db = await openConfigured({ file: config.databaseFile, url: config.databaseUrl }, { poolSize: 1 });
const { token } = await createToken(db, {
  name: args.data.name,
  role: args.data.role,
  expiresAt: args.data.expires ? new Date(args.data.expires).toISOString() : null,
});
await db.close();
console.log(token);
