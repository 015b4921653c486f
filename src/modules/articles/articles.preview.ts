import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { serverKeys } from '../../db/schema.js';

/**
 * Signed, expiring preview links: `<articleId>.<expiry>.<HMAC>`. They open one article
 * (whatever its status) and nothing else. The signing key is made on first use and kept
 * in the database, so links survive restarts and work across processes on one file.
 */
export function createPreviewSigner(db: Db) {
  let key: Buffer | undefined;
  const signingKey = () => {
    if (key) return key;
    db.insert(serverKeys).values({ name: 'preview', value: randomBytes(32).toString('base64url') }).onConflictDoNothing().run();
    key = Buffer.from(db.select().from(serverKeys).where(eq(serverKeys.name, 'preview')).get()!.value, 'base64url');
    return key;
  };
  const mac = (payload: string) => createHmac('sha256', signingKey()).update(payload).digest('base64url');

  return {
    sign(articleId: number, expiresAt: Date): string {
      const payload = `${articleId}.${Math.floor(expiresAt.getTime() / 1000)}`;
      return `${payload}.${mac(payload)}`;
    },
    /** The article id the token opens, or null when it is forged, mangled or expired. */
    verify(token: string, now = Date.now()): number | null {
      const m = /^(\d{1,15})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!m) return null;
      const [, id, exp, sig] = m as unknown as [string, string, string, string];
      const expected = Buffer.from(mac(`${id}.${exp}`));
      const given = Buffer.from(sig);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      return Number(exp) * 1000 > now ? Number(id) : null;
    },
  };
}
