import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../../db/database.js';
import type { tokenRoles } from '../../db/schema.js';
import { nowIso } from '../../lib/time.js';
import { createTokensRepository } from './tokens.repository.js';

export type Role = (typeof tokenRoles)[number];
export type Principal = { tokenId: number; name: string; role: Role; authorId: number | null };

const TOKEN_PATTERN = /^dl_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest();

// High-entropy random secrets need no slow KDF: SHA-256 of 256 random bits cannot be
// brute-forced, and it keeps authentication off the hot path's CPU budget.
export async function createToken(
  db: Database,
  input: { name: string; role?: Role; authorId?: number | null; expiresAt?: string | null },
): Promise<{ token: string; id: number }> {
  const publicId = randomBytes(9).toString('base64url').replace(/[-_]/g, '0').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  const id = await db.write(() =>
    createTokensRepository(db).insert({
      publicId,
      secretHash: hashSecret(secret).toString('hex'),
      name: input.name,
      role: input.role ?? 'admin',
      authorId: input.authorId ?? null,
      expiresAt: input.expiresAt ?? null,
    }),
  );
  return { token: `dl_${publicId}_${secret}`, id };
}

export const countTokens = (db: Database) => createTokensRepository(db).count();

export type VerifyResult = { ok: true; principal: Principal } | { ok: false; reason: string };

export async function verifyToken(db: Database, token: string): Promise<VerifyResult> {
  const m = TOKEN_PATTERN.exec(token);
  if (!m) return { ok: false, reason: 'The bearer token is malformed' };
  const [, publicId, secret] = m as unknown as [string, string, string];
  const repo = createTokensRepository(db);
  const row = await repo.byPublicId(publicId);
  const given = hashSecret(secret);
  // Compare even when the row is missing so timing does not reveal which ids exist.
  const stored = row ? Buffer.from(row.secretHash, 'hex') : Buffer.alloc(given.length);
  if (!timingSafeEqual(given, stored) || !row) return { ok: false, reason: 'The bearer token is not known' };
  if (row.revokedAt) return { ok: false, reason: 'The bearer token has been revoked' };
  const now = nowIso();
  if (row.expiresAt && row.expiresAt <= now) return { ok: false, reason: 'The bearer token has expired' };
  // Last use is recorded at most once a minute, so reads with a token do not each cost a write.
  if (!row.lastUsedAt || Date.parse(now) - Date.parse(row.lastUsedAt) > 60_000) {
    await db.write(() => repo.touch(row.id, now));
  }
  return { ok: true, principal: { tokenId: row.id, name: row.name, role: row.role, authorId: row.authorId } };
}
