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
    // Markdown exactly as sent; the HTML and text renderings are derived on write so
    // reads never pay for rendering or sanitising.
    body: text('body').notNull().default(''),
    bodyHtml: text('body_html').notNull().default(''),
    bodyText: text('body_text').notNull().default(''),
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
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (t) => [
    // Each list query walks one of these in order and stops after `limit` rows.
    index('articles_status_published_idx').on(t.status, t.publishedAt, t.id),
    index('articles_bureau_status_published_idx').on(t.bureauId, t.status, t.publishedAt, t.id),
    index('articles_status_updated_idx').on(t.status, t.updatedAt, t.id),
    index('articles_status_headline_idx').on(t.status, t.headline, t.id),
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
