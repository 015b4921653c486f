import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, json, pgTable, primaryKey, uniqueIndex } from 'drizzle-orm/pg-core';
import { articleStatuses, changeActions, changeResources, deliveryStatuses, importKinds, slugResources, tokenRoles } from '../schema.js';
import { text } from './text.js';

// The PostgreSQL twin of src/db/schema.ts, table for table and column for column, so both
// engines give the same JS rows (test/db-parity.test.ts holds them together). Where the
// engines differ by default, this file pins SQLite's behaviour:
// - every text column compares bytewise (COLLATE "C", see ./text.ts), as SQLite's BINARY does,
//   so ORDER BY, keyset cursors and slug-family ranges agree whatever the database locale;
// - times stay ISO 8601 strings (not timestamptz), so they leave the API exactly as stored;
// - JSON is `json`, not `jsonb`, which would reorder keys and change replayed bodies;
// - published_at sorts NULL lowest (NULLS FIRST ascending), as SQLite does, so a query that
//   orders `ASC NULLS FIRST` / `DESC NULLS LAST` walks these indexes forwards or backwards;
// - ids are identity columns BY DEFAULT (never reused, like AUTOINCREMENT), so a copy of a
//   SQLite database can keep its ids.

const id = () => integer('id').primaryKey().generatedByDefaultAsIdentity();

const timestamps = {
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
};

export const bureaus = pgTable(
  'bureaus',
  {
    id: id(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    location: text('location'),
    description: text('description'),
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (t) => [index('bureaus_name_idx').on(t.name, t.id)],
);

export const authors = pgTable(
  'authors',
  {
    id: id(),
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

export const tags = pgTable(
  'tags',
  {
    id: id(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    ...timestamps,
  },
  (t) => [index('tags_name_idx').on(t.name, t.id)],
);

export const articles = pgTable(
  'articles',
  {
    id: id(),
    slug: text('slug').notNull().unique(),
    headline: text('headline').notNull(),
    standfirst: text('standfirst'),
    dateline: text('dateline'),
    wordCount: integer('word_count').notNull().default(0),
    bureauId: integer('bureau_id')
      .notNull()
      .references(() => bureaus.id, { onDelete: 'restrict' }),
    language: text('language').notNull().default('en'),
    status: text<(typeof articleStatuses)[number]>('status').notNull().default('draft'),
    publishedAt: text('published_at'),
    imageUrl: text('image_url'),
    imageAlt: text('image_alt'),
    imageCaption: text('image_caption'),
    imageCredit: text('image_credit'),
    announcedAt: text('announced_at'),
    version: integer('version').notNull().default(1),
    ...timestamps,
    body: text('body').notNull().default(''),
    bodyHtml: text('body_html').notNull().default(''),
    bodyText: text('body_text').notNull().default(''),
  },
  (t) => [
    index('articles_status_published_idx').on(t.status, t.publishedAt.asc().nullsFirst(), t.id),
    index('articles_bureau_status_published_idx').on(t.bureauId, t.status, t.publishedAt.asc().nullsFirst(), t.id),
    index('articles_status_updated_idx').on(t.status, t.updatedAt, t.id),
    index('articles_status_headline_idx').on(t.status, t.headline, t.id),
    index('articles_unannounced_idx').on(t.status, t.announcedAt, t.publishedAt.asc().nullsFirst()),
    index('articles_sitemap_idx').on(t.status, t.id, t.publishedAt.asc().nullsFirst(), t.updatedAt, t.slug, t.bureauId),
  ],
);

export const articleAuthors = pgTable(
  'article_authors',
  {
    articleId: integer('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    authorId: integer('author_id')
      .notNull()
      .references(() => authors.id, { onDelete: 'restrict' }),
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.articleId, t.authorId] }),
    uniqueIndex('article_authors_position_idx').on(t.articleId, t.position),
    index('article_authors_author_idx').on(t.authorId, t.articleId),
  ],
);

export const articleTags = pgTable(
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

export const apiTokens = pgTable('api_tokens', {
  id: id(),
  publicId: text('public_id').notNull().unique(),
  secretHash: text('secret_hash').notNull(),
  name: text('name').notNull(),
  role: text<(typeof tokenRoles)[number]>('role').notNull().default('admin'),
  authorId: integer('author_id').references(() => authors.id, { onDelete: 'set null' }),
  expiresAt: text('expires_at'),
  revokedAt: text('revoked_at'),
  lastUsedAt: text('last_used_at'),
  // The same shape as Date#toISOString(), which SQLite's strftime default also produces.
  createdAt: text('created_at')
    .notNull()
    .default(sql`to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`),
});

/** Bumped once per committing write transaction (see migrations/pg custom SQL). */
export const contentVersion = pgTable('content_version', {
  // SQLite's INTEGER PRIMARY KEY is a rowid the database fills when omitted; so is this.
  id: id(),
  // 64-bit like SQLite's integer: every write moves it, for the life of the database.
  version: bigint('version', { mode: 'number' }).notNull(),
  changedAt: text('changed_at').notNull(),
});

export const articleRevisions = pgTable(
  'article_revisions',
  {
    id: id(),
    articleId: integer('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    snapshot: json('snapshot').notNull(),
    actorName: text('actor_name').notNull(),
    actorRole: text('actor_role').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('article_revisions_article_version_idx').on(t.articleId, t.version)],
);

export const slugHistory = pgTable(
  'slug_history',
  {
    resource: text<(typeof slugResources)[number]>('resource').notNull(),
    slug: text('slug').notNull(),
    resourceId: integer('resource_id').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.resource, t.slug] }), index('slug_history_resource_idx').on(t.resource, t.resourceId)],
);

export const webhooks = pgTable('webhooks', {
  id: id(),
  url: text('url').notNull(),
  events: json('events').$type<string[]>().notNull(),
  secret: text('secret').notNull(),
  active: boolean('active').notNull().default(true),
  disabledReason: text('disabled_reason'),
  createdAt: text('created_at').notNull(),
});

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: id(),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    payload: text('payload').notNull(),
    status: text<(typeof deliveryStatuses)[number]>('status').notNull().default('pending'),
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

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    tokenId: integer('token_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code'),
    headers: json('headers').$type<Record<string, string>>(),
    body: text('body'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.key] })],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: id(),
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

export const serverKeys = pgTable('server_keys', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});

/** Where imported articles came from: content hashes (the imports' idempotency keys), ninjs uri and version. */
export const importSources = pgTable(
  'import_sources',
  {
    contentHash: text('content_hash').primaryKey(),
    kind: text<(typeof importKinds)[number]>('kind').notNull(),
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
/**
 * The change feed (see src/db/schema.ts). `seq` must follow commit order, which a plain
 * sequence does not on PostgreSQL (a transaction may take 11, another 12 and commit first,
 * and a reader at 12 would skip 11): migrations/pg/0004 fills it from deferred constraint
 * triggers that take one transaction-level advisory lock at COMMIT, so numbers are handed out
 * in the order transactions commit.
 */
export const changes = pgTable(
  'changes',
  {
    seq: integer('seq').primaryKey().generatedByDefaultAsIdentity(),
    resource: text<(typeof changeResources)[number]>('resource').notNull(),
    resourceId: integer('resource_id').notNull(),
    action: text<(typeof changeActions)[number]>('action').notNull(),
    slug: text('slug').notNull(),
    bureauSlug: text('bureau_slug'),
    publishedAt: text('published_at'),
    changedAt: text('changed_at').notNull(),
  },
  (t) => [uniqueIndex('changes_resource_idx').on(t.resource, t.resourceId), index('changes_action_changed_idx').on(t.action, t.changedAt)],
);

export const changeFeedState = pgTable('change_feed_state', {
  // As content_version: SQLite's INTEGER PRIMARY KEY may be omitted on insert.
  id: id(),
  purgedThrough: integer('purged_through').notNull(),
});
