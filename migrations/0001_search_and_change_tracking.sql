-- Triggers keep derived data in step with every write, inside the same transaction,
-- whoever writes (the API, a script, the benchmark's loader).

-- 1. Change tracking for HTTP caching: any content write bumps one counter.
INSERT INTO content_version (id, version, changed_at) VALUES (1, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
--> statement-breakpoint
CREATE TRIGGER articles_insert_bumps_version AFTER INSERT ON articles BEGIN
  UPDATE content_version SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER articles_update_bumps_version AFTER UPDATE ON articles BEGIN
  UPDATE content_version SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER articles_delete_bumps_version AFTER DELETE ON articles BEGIN
  UPDATE content_version SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER authors_insert_bumps_version AFTER INSERT ON authors BEGIN
  UPDATE content_version SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER authors_update_bumps_version AFTER UPDATE ON authors BEGIN
  UPDATE content_version SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER authors_delete_bumps_version AFTER DELETE ON authors BEGIN
  UPDATE content_version SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER bureaus_insert_bumps_version AFTER INSERT ON bureaus BEGIN
  UPDATE content_version SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER bureaus_update_bumps_version AFTER UPDATE ON bureaus BEGIN
  UPDATE content_version SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER bureaus_delete_bumps_version AFTER DELETE ON bureaus BEGIN
  UPDATE content_version SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER tags_insert_bumps_version AFTER INSERT ON tags BEGIN
  UPDATE content_version SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER tags_update_bumps_version AFTER UPDATE ON tags BEGIN
  UPDATE content_version SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER tags_delete_bumps_version AFTER DELETE ON tags BEGIN
  UPDATE content_version SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER article_authors_insert_bumps_version AFTER INSERT ON article_authors BEGIN
  UPDATE content_version SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER article_authors_update_bumps_version AFTER UPDATE ON article_authors BEGIN
  UPDATE content_version SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER article_authors_delete_bumps_version AFTER DELETE ON article_authors BEGIN
  UPDATE content_version SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER article_tags_insert_bumps_version AFTER INSERT ON article_tags BEGIN
  UPDATE content_version SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER article_tags_update_bumps_version AFTER UPDATE ON article_tags BEGIN
  UPDATE content_version SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER article_tags_delete_bumps_version AFTER DELETE ON article_tags BEGIN
  UPDATE content_version SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
--> statement-breakpoint
-- 2. Full-text search over headline, standfirst, body text and byline names. unicode61
-- with remove_diacritics 2 makes `brasilia` find `Brasília`; the prefix indexes make `bras*` cheap.
CREATE VIRTUAL TABLE articles_fts USING fts5(
  headline, standfirst, body, bylines,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);
--> statement-breakpoint
INSERT INTO articles_fts (rowid, headline, standfirst, body, bylines)
  SELECT a.id, a.headline, coalesce(a.standfirst, ''), a.body_text, coalesce((SELECT group_concat(name, ' ') FROM (SELECT au.name AS name FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id ORDER BY aa.position)), '') FROM articles a;
--> statement-breakpoint
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts (rowid, headline, standfirst, body, bylines)
    VALUES (new.id, new.headline, coalesce(new.standfirst, ''), new.body_text, coalesce((SELECT group_concat(name, ' ') FROM (SELECT au.name AS name FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = new.id ORDER BY aa.position)), ''));
END;
--> statement-breakpoint
CREATE TRIGGER articles_fts_update AFTER UPDATE OF headline, standfirst, body_text ON articles BEGIN
  UPDATE articles_fts SET headline = new.headline, standfirst = coalesce(new.standfirst, ''), body = new.body_text
    WHERE rowid = new.id;
END;
--> statement-breakpoint
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
  DELETE FROM articles_fts WHERE rowid = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER article_authors_fts_insert AFTER INSERT ON article_authors BEGIN
  UPDATE articles_fts SET bylines = coalesce((SELECT group_concat(name, ' ') FROM (SELECT au.name AS name FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = new.article_id ORDER BY aa.position)), '') WHERE rowid = new.article_id;
END;
--> statement-breakpoint
CREATE TRIGGER article_authors_fts_delete AFTER DELETE ON article_authors BEGIN
  UPDATE articles_fts SET bylines = coalesce((SELECT group_concat(name, ' ') FROM (SELECT au.name AS name FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = old.article_id ORDER BY aa.position)), '') WHERE rowid = old.article_id;
END;
--> statement-breakpoint
CREATE TRIGGER authors_fts_rename AFTER UPDATE OF name ON authors BEGIN
  UPDATE articles_fts SET bylines = coalesce((SELECT group_concat(name, ' ') FROM (SELECT au.name AS name FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = articles_fts.rowid ORDER BY aa.position)), '')
    WHERE rowid IN (SELECT article_id FROM article_authors WHERE author_id = new.id);
END;
