import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Times are stored as ISO 8601 UTC strings from Date#toISOString(): fixed width, so they
// sort and compare correctly as text, and they leave the API exactly as stored.
const timestamps = {
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
};

export const bureaus = sqliteTable(
  'bureaus',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    location: text('location'),
    description: text('description'),
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (t) => [index('bureaus_name_idx').on(t.name, t.id)],
);

export const authors = sqliteTable(
  'authors',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    bio: text('bio'),
    email: text('email'),
    avatarUrl: text('avatar_url'),
    bureauId: integer('bureau_id').references(() => bureaus.id, { onDelete: 'set null' }),
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (t) => [index('authors_bureau_idx').on(t.bureauId), index('authors_name_idx').on(t.name, t.id)],
);

export const tags = sqliteTable(
  'tags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    ...timestamps,
  },
  (t) => [index('tags_name_idx').on(t.name, t.id)],
);

export const articleStatuses = ['draft', 'published', 'archived'] as const;

export const articles = sqliteTable(
  'articles',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull().unique(),
    headline: text('headline').notNull(),
    standfirst: text('standfirst'),
    dateline: text('dateline'),
    wordCount: integer('word_count').notNull().default(0),
    bureauId: integer('bureau_id')
      .notNull()
      .references(() => bureaus.id, { onDelete: 'restrict' }),
    language: text('language').notNull().default('en'),
    status: text('status', { enum: articleStatuses }).notNull().default('draft'),
    publishedAt: text('published_at'),
    imageUrl: text('image_url'),
    imageAlt: text('image_alt'),
    imageCaption: text('image_caption'),
    imageCredit: text('image_credit'),
    // When the `article.published` event went out; NULL while a scheduled article waits,
    // so the scheduler (and a restart) can find what is due.
    announcedAt: text('announced_at'),
    version: integer('version').notNull().default(1),
    ...timestamps,
    // Markdown exactly as sent; the HTML and text renderings are derived on write so reads
    // never pay for rendering or sanitising. They come last on purpose: a row is ~10 KB,
    // and columns after them would sit on overflow pages that every list read would walk.
    body: text('body').notNull().default(''),
    bodyHtml: text('body_html').notNull().default(''),
    bodyText: text('body_text').notNull().default(''),
  },
  (t) => [
    // Each list query walks one of these in order and stops after `limit` rows.
    index('articles_status_published_idx').on(t.status, t.publishedAt, t.id),
    index('articles_bureau_status_published_idx').on(t.bureauId, t.status, t.publishedAt, t.id),
    index('articles_status_updated_idx').on(t.status, t.updatedAt, t.id),
    index('articles_status_headline_idx').on(t.status, t.headline, t.id),
    index('articles_unannounced_idx').on(t.status, t.announcedAt, t.publishedAt),
    // Covers the sitemap's id-range pages, so they never read the ~10 KB rows themselves.
    index('articles_sitemap_idx').on(t.status, t.id, t.publishedAt, t.updatedAt, t.slug, t.bureauId),
  ],
);

export const articleAuthors = sqliteTable(
  'article_authors',
  {
    articleId: integer('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    authorId: integer('author_id')
      .notNull()
      .references(() => authors.id, { onDelete: 'restrict' }),
    // Byline order: 0 is the first name on the byline.
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.articleId, t.authorId] }),
    uniqueIndex('article_authors_position_idx').on(t.articleId, t.position),
    index('article_authors_author_idx').on(t.authorId, t.articleId),
  ],
);

export const articleTags = sqliteTable(
  'article_tags',
  {
    articleId: integer('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.tagId] }), index('article_tags_tag_idx').on(t.tagId, t.articleId)],
);

export const tokenRoles = ['admin', 'editor', 'writer', 'viewer'] as const;

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    // The public half of a token (`dl_<publicId>_<secret>`), used to find the row; the
    // secret half is only ever stored as a SHA-256 hash and compared in constant time.
    publicId: text('public_id').notNull().unique(),
    secretHash: text('secret_hash').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: tokenRoles }).notNull().default('admin'),
    authorId: integer('author_id').references(() => authors.id, { onDelete: 'set null' }),
    expiresAt: text('expires_at'),
    revokedAt: text('revoked_at'),
    lastUsedAt: text('last_used_at'),
    createdAt: text('created_at')
      .notNull()
      .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
  },
);

/**
 * One row that every content write bumps (through triggers, see migrations/0001), so a
 * public read can answer "has anything changed?" with one primary-key lookup: the base
 * of ETags and Last-Modified.
 */
export const contentVersion = sqliteTable('content_version', {
  id: integer('id').primaryKey(),
  version: integer('version').notNull(),
  changedAt: text('changed_at').notNull(),
});

/** A full snapshot of an article after each change, for history, compare and restore. */
export const articleRevisions = sqliteTable(
  'article_revisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    articleId: integer('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    snapshot: text('snapshot', { mode: 'json' }).notNull(),
    actorName: text('actor_name').notNull(),
    actorRole: text('actor_role').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('article_revisions_article_version_idx').on(t.articleId, t.version)],
);

export const slugResources = ['article', 'author', 'bureau'] as const;

/** Slugs an item used to have: they redirect to the item and are not given to another. */
export const slugHistory = sqliteTable(
  'slug_history',
  {
    resource: text('resource', { enum: slugResources }).notNull(),
    slug: text('slug').notNull(),
    resourceId: integer('resource_id').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.resource, t.slug] }), index('slug_history_resource_idx').on(t.resource, t.resourceId)],
);

export const webhooks = sqliteTable('webhooks', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  url: text('url').notNull(),
  events: text('events', { mode: 'json' }).$type<string[]>().notNull(),
  // The receiver verifies signatures with the same secret, so it cannot be stored as a
  // hash; it is shown once on creation and never returned by reads or logged.
  secret: text('secret').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  disabledReason: text('disabled_reason'),
  createdAt: text('created_at').notNull(),
});

export const deliveryStatuses = ['pending', 'delivered', 'failed'] as const;

/** The outbox: written in the same transaction as the change that caused the event. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    payload: text('payload').notNull(),
    status: text('status', { enum: deliveryStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    lastStatus: integer('last_status'),
    deliveredAt: text('delivered_at'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_webhook_idx').on(t.webhookId, t.id),
  ],
);

/** Replays of POST creates that carried an `Idempotency-Key`. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    tokenId: integer('token_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code'),
    headers: text('headers', { mode: 'json' }).$type<Record<string, string>>(),
    body: text('body'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.key] })],
);

export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    actorName: text('actor_name').notNull(),
    actorRole: text('actor_role').notNull(),
    tokenId: integer('token_id'),
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: integer('resource_id'),
    version: integer('version'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    index('audit_events_resource_idx').on(t.resourceType, t.resourceId, t.id),
    index('audit_events_created_idx').on(t.createdAt),
  ],
);

/** Server-side secrets (e.g. the preview-link signing key), created on first use. */
export const serverKeys = sqliteTable('server_keys', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});

export const importKinds = ['wire', 'ninjs', 'article'] as const;

/**
 * Where imported articles came from. `contentHash` (SHA-256 of the normalised input) is the
 * idempotency key of every import: the same wire story, ninjs item or NDJSON line imported
 * again answers with the article it made. ninjs items also keep their `uri` and version, so
 * a newer version updates the same article and an older one is refused.
 */
export const importSources = sqliteTable(
  'import_sources',
  {
    contentHash: text('content_hash').primaryKey(),
    kind: text('kind', { enum: importKinds }).notNull(),
    articleId: integer('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    uri: text('uri'),
    version: text('version'),
    versionCreated: text('version_created'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('import_sources_uri_idx').on(t.uri), index('import_sources_article_idx').on(t.articleId)],
);
export const changeResources = ['article', 'author', 'bureau', 'tag'] as const;
export const changeActions = ['published', 'updated', 'unpublished', 'archived', 'deleted'] as const;

/**
 * The change feed: one row per public item, moved to the end (deleted and inserted again with a new `seq`) each time the
 * item changes, so a reader that pages by `seq` meets every item's latest change exactly
 * once and never misses one. Triggers (migrations/0004_change_feed_triggers.sql) write it inside the transaction of
 * the change; SQLite has one writer, so `seq` order is commit order. Rows for items that
 * left the public view (tombstones) are kept for the retention window.
 */
export const changes = sqliteTable(
  'changes',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    resource: text('resource', { enum: changeResources }).notNull(),
    resourceId: integer('resource_id').notNull(),
    action: text('action', { enum: changeActions }).notNull(),
    // What the item's address was built from, so a tombstone can still name its page.
    slug: text('slug').notNull(),
    bureauSlug: text('bureau_slug'),
    publishedAt: text('published_at'),
    changedAt: text('changed_at').notNull(),
  },
  (t) => [uniqueIndex('changes_resource_idx').on(t.resource, t.resourceId), index('changes_action_changed_idx').on(t.action, t.changedAt)],
);

/** The highest `seq` whose tombstone was purged: a cursor below it may have missed one. */
export const changeFeedState = sqliteTable('change_feed_state', {
  id: integer('id').primaryKey(),
  purgedThrough: integer('purged_through').notNull(),
});
