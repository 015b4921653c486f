import { desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiTokens, authors } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { nowIso, toIso } from '../../lib/time.js';
import { audit, type Actor } from '../shared/actor.js';
import { resolveRefs } from '../shared/lookup.js';
import type { CreateToken } from './tokens.schemas.js';
import { createToken } from './tokens.service.js';

const columns = {
  id: apiTokens.id,
  name: apiTokens.name,
  role: apiTokens.role,
  authorId: apiTokens.authorId,
  expiresAt: apiTokens.expiresAt,
  revokedAt: apiTokens.revokedAt,
  lastUsedAt: apiTokens.lastUsedAt,
  createdAt: apiTokens.createdAt,
};

/** Token management for admins; creating and verifying secrets lives in tokens.service.ts. */
export function createTokensAdmin(db: Db) {
  const byId = (id: number) => db.select(columns).from(apiTokens).where(eq(apiTokens.id, id)).get();
  return {
    create(input: CreateToken, actor: Actor) {
      return db.transaction(() => {
        const authorId = input.author == null ? null : resolveRefs(db, authors, 'author', [['body.author', input.author]])[0]!;
        if (input.role === 'writer' && authorId === null) {
          throw new AppError('unprocessable', 'A writer token needs the author whose articles it may edit', {
            errors: [{ path: 'body.author', message: 'Required for the writer role' }],
          });
        }
        const expiresAt = input.expiresAt ? toIso(input.expiresAt) : null;
        // A token born expired could never be used: almost certainly a typo in the year.
        if (expiresAt !== null && Date.parse(expiresAt) <= Date.now()) {
          throw new AppError('unprocessable', 'The expiry must be in the future', {
            errors: [{ path: 'body.expiresAt', message: 'Must be a time in the future' }],
          });
        }
        const { token, id } = createToken(db, { name: input.name, role: input.role, authorId, expiresAt });
        audit(db, actor, 'token.created', 'token', id);
        return { ...byId(id)!, token };
      });
    },
    list: () => db.select(columns).from(apiTokens).orderBy(desc(apiTokens.id)).all(),
    revoke(id: number, actor: Actor) {
      db.transaction(() => {
        const row = byId(id);
        if (!row) throw new AppError('not_found', `No token with id ${id}`);
        if (!row.revokedAt) db.update(apiTokens).set({ revokedAt: nowIso() }).where(eq(apiTokens.id, id)).run();
        audit(db, actor, 'token.revoked', 'token', id);
      });
    },
  };
}
