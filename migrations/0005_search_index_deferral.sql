-- A bulk import's slice indexes the articles it creates in one batch at its end instead of
-- through the triggers of 0001: each trigger-run FTS5 write inside a statement that needs a
-- statement journal flushes FTS5's pending terms as a new segment (~3 tiny segments per
-- article, merged at every commit), which cost the import half its writer time.
-- While a unit of work has set `after_article_id` (src/db/sqlite-dialect.ts, search.batch),
-- the search triggers leave articles with a higher id alone, and the same unit indexes them
-- with one INSERT … SELECT and clears it before it commits. SQLite has one writer, so no other
-- transaction ever sees it set; a rollback or a crash undoes the setting with the articles.
-- Articles up to the mark (older ones a slice updates) are indexed by the triggers as always.
-- Only SQLite: PostgreSQL's search table is kept apart (migrations/pg) and needs no batch.
CREATE TABLE search_index_deferral (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  after_article_id INTEGER
);
--> statement-breakpoint
INSERT INTO search_index_deferral (id, after_article_id) VALUES (1, NULL);
--> statement-breakpoint
DROP TRIGGER articles_fts_insert;
--> statement-breakpoint
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles
  WHEN new.id <= coalesce((SELECT after_article_id FROM search_index_deferral WHERE id = 1), new.id) BEGIN
  INSERT INTO articles_fts (rowid, headline, standfirst, body, bylines)
    VALUES (new.id, new.headline, coalesce(new.standfirst, ''), new.body_text, coalesce((SELECT group_concat(name, ' ') FROM (SELECT au.name AS name FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = new.id ORDER BY aa.position)), ''));
END;
--> statement-breakpoint
DROP TRIGGER articles_fts_update;
--> statement-breakpoint
CREATE TRIGGER articles_fts_update AFTER UPDATE OF headline, standfirst, body_text ON articles
  WHEN new.id <= coalesce((SELECT after_article_id FROM search_index_deferral WHERE id = 1), new.id) BEGIN
  UPDATE articles_fts SET headline = new.headline, standfirst = coalesce(new.standfirst, ''), body = new.body_text
    WHERE rowid = new.id;
END;
--> statement-breakpoint
DROP TRIGGER article_authors_fts_insert;
--> statement-breakpoint
CREATE TRIGGER article_authors_fts_insert AFTER INSERT ON article_authors
  WHEN new.article_id <= coalesce((SELECT after_article_id FROM search_index_deferral WHERE id = 1), new.article_id) BEGIN
  UPDATE articles_fts SET bylines = coalesce((SELECT group_concat(name, ' ') FROM (SELECT au.name AS name FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = new.article_id ORDER BY aa.position)), '') WHERE rowid = new.article_id;
END;
--> statement-breakpoint
DROP TRIGGER article_authors_fts_delete;
--> statement-breakpoint
CREATE TRIGGER article_authors_fts_delete AFTER DELETE ON article_authors
  WHEN old.article_id <= coalesce((SELECT after_article_id FROM search_index_deferral WHERE id = 1), old.article_id) BEGIN
  UPDATE articles_fts SET bylines = coalesce((SELECT group_concat(name, ' ') FROM (SELECT au.name AS name FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = old.article_id ORDER BY aa.position)), '') WHERE rowid = old.article_id;
END;
