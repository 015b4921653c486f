import type { Database } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { nowIso, toIso } from '../../lib/time.js';
import { audit, type Actor } from '../shared/actor.js';
import { resolveRefs } from '../shared/lookup.js';
import type { CreateToken } from './tokens.schemas.js';
import { createTokensRepository } from './tokens.repository.js';
import { createToken } from './tokens.service.js';

/** Token management for admins; creating and verifying secrets lives in tokens.service.ts. */
export function createTokensAdmin(db: Database) {
  const { authors } = db.tables;
  const repo = createTokensRepository(db);
  return {
    create(input: CreateToken, actor: Actor) {
      return db.write(async () => {
        const authorId = input.author == null ? null : (await resolveRefs(db, authors, 'author', [['body.author', input.author]]))[0]!;
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
        const { token, id } = await createToken(db, { name: input.name, role: input.role, authorId, expiresAt });
        await audit(db, actor, 'token.created', 'token', id);
        return { ...(await repo.byId(id))!, token };
      });
    },
    list: () => repo.list(),
    async revoke(id: number, actor: Actor) {
      await db.write(async () => {
        const row = await repo.byId(id);
        if (!row) throw new AppError('not_found', `No token with id ${id}`);
        if (!row.revokedAt) await repo.revoke(id, nowIso());
        await audit(db, actor, 'token.revoked', 'token', id);
      });
    },
  };
}
