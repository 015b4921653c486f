import type { Database } from '../../db/database.js';
import { AppError } from '../../errors.js';
import type { SiteLinks } from '../../lib/site-links.js';
import { decodeChangeCursor, encodeChangeCursor } from './changes.cursor.js';
import { createChangesRepository, tombstoneActions, type ChangeRow } from './changes.repository.js';
import type { ChangesInput } from './changes.schemas.js';

const DAY = 86_400_000;
const apiPath = { article: 'articles', author: 'authors', bureau: 'bureaus', tag: 'tags' } as const;

export function createChangesService(db: Database, opts: { links: SiteLinks; retentionDays: number }) {
  const repo = createChangesRepository(db);
  const windowMs = opts.retentionDays * DAY;
  const startOver = (why: string) =>
    new AppError('gone', `${why}; sync again from the start, without \`since\``, {
      errors: [{ path: 'query.since', message: 'Leave it out to start over' }],
    });

  /** Where to read from, and the purge horizon the client's sync began with. */
  async function start(since: string | undefined, now: number) {
    if (since === undefined) return { seq: 0, purgedAtStart: await repo.purgedThrough() };
    const c = decodeChangeCursor(since);
    if (!c) {
      throw new AppError('invalid_cursor', 'The cursor is not one this feed handed out', {
        errors: [{ path: 'query.since', message: 'Use the `meta.nextCursor` of a page of /v1/changes' }],
      });
    }
    if (c.issuedAt < now - windowMs) throw startOver(`The cursor is older than the ${opts.retentionDays}-day retention window`);
    // A tombstone after the cursor was purged since the sync began: the client may hold
    // an item that left the public view and would never hear of it. (Or the cursor comes
    // from another database.)
    if ((await repo.purgedThrough()) > Math.max(c.seq, c.purgedAtStart) || c.seq > (await repo.lastSeq())) {
      throw startOver('Changes after this cursor are no longer kept');
    }
    return c;
  }

  const view = (r: ChangeRow) => {
    const deleted = (tombstoneActions as readonly string[]).includes(r.action);
    const url =
      r.resource === 'article'
        ? opts.links.article({ id: r.resourceId, slug: r.slug, bureauSlug: r.bureauSlug ?? '', publishedAt: r.publishedAt })
        : opts.links.item(r.resource, { id: r.resourceId, slug: r.slug });
    return {
      seq: r.seq,
      type: r.resource,
      id: r.resourceId,
      action: r.action,
      deleted,
      slug: r.slug,
      url,
      href: deleted ? null : `/v1/${apiPath[r.resource]}/${r.resourceId}`,
      changedAt: r.changedAt,
    };
  };

  return {
    async list(q: ChangesInput, now = Date.now()) {
      const from = await start(q.since, now);
      const rows = await repo.page(from.seq, q.limit + 1);
      const hasMore = rows.length > q.limit;
      const page = hasMore ? rows.slice(0, q.limit) : rows;
      const seq = page.at(-1)?.seq ?? from.seq;
      const nextCursor = encodeChangeCursor({ seq, issuedAt: now, purgedAtStart: from.purgedAtStart });
      return { data: page.map(view), meta: { nextCursor, hasMore } };
    },
    purge: (now = Date.now()) => repo.purgeTombstones(new Date(now - windowMs).toISOString()),
  };
}
