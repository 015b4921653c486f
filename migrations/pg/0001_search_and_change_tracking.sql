-- The PostgreSQL side of migrations/0001_search_and_change_tracking.sql: triggers keep
-- derived data in step with every write, inside the same transaction, whoever writes.

-- 1. Change tracking for HTTP caching: any content write moves one counter.
INSERT INTO content_version (id, version, changed_at)
  VALUES (1, 1, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));
--> statement-breakpoint
-- SQLite runs one writer at a time, so bumping the row on every row change costs nothing
-- there. Here, the first bump would hold the row lock until commit and serialise every write
-- transaction on every instance. So the bump is a deferred constraint trigger: it runs at
-- COMMIT, once per transaction (a transaction-local flag skips the rest), and holds the lock
-- only for the instant between that update and the commit. A reader therefore never sees a new
-- version before the rows it stands for (the update commits with them).
CREATE FUNCTION content_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('dateline.content_bumped', true), '') <> 'on' THEN
    PERFORM set_config('dateline.content_bumped', 'on', true);
    UPDATE content_version
      SET version = version + 1,
          -- greatest(): the clock may step back; Last-Modified must not.
          changed_at = greatest(changed_at, to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
      WHERE id = 1;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER articles_bumps_version AFTER INSERT OR UPDATE OR DELETE ON articles
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION content_version_bump();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER authors_bumps_version AFTER INSERT OR UPDATE OR DELETE ON authors
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION content_version_bump();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER bureaus_bumps_version AFTER INSERT OR UPDATE OR DELETE ON bureaus
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION content_version_bump();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER tags_bumps_version AFTER INSERT OR UPDATE OR DELETE ON tags
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION content_version_bump();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER article_authors_bumps_version AFTER INSERT OR UPDATE OR DELETE ON article_authors
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION content_version_bump();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER article_tags_bumps_version AFTER INSERT OR UPDATE OR DELETE ON article_tags
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION content_version_bump();
--> statement-breakpoint
-- 2. Full-text search over headline (A), standfirst (B), byline names (C) and body text (D);
-- ts_rank's default weights {D 0.1, C 0.2, B 0.4, A 1.0} are SQLite's bm25 weights
-- (headline 10, standfirst 4, bylines 2, body 1) to scale. unaccent inside the configuration
-- makes `brasilia` find `Brasília` in the index, in queries and in ts_headline alike; `simple`
-- does no stemming, like FTS5's unicode61, so both engines match the same words.
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION dateline_search (COPY = simple);
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION dateline_search
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword, hword_numpart
  WITH unaccent, simple;
--> statement-breakpoint
-- An IMMUTABLE wrapper (unaccent() itself is only STABLE), for expression indexes or
-- comparisons that want accent-folded text outside the text search configuration.
CREATE FUNCTION dateline_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN unaccent('unaccent'::regdictionary, $1);
--> statement-breakpoint
-- Beside `articles`, as articles_fts is in SQLite: article rows (and the Drizzle schema) stay
-- the same on both engines. The article text and the bylines are kept apart so a byline
-- change re-parses a few names, not a 10 KB body.
CREATE TABLE articles_search (
  article_id integer PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
  content tsvector NOT NULL,
  bylines tsvector NOT NULL DEFAULT ''::tsvector,
  document tsvector GENERATED ALWAYS AS (content || bylines) STORED
);
--> statement-breakpoint
CREATE INDEX articles_search_document_idx ON articles_search USING gin (document);
--> statement-breakpoint
CREATE FUNCTION articles_search_content(headline text, standfirst text, body_text text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN setweight(to_tsvector('dateline_search'::regconfig, headline), 'A')
      || setweight(to_tsvector('dateline_search'::regconfig, coalesce(standfirst, '')), 'B')
      || setweight(to_tsvector('dateline_search'::regconfig, body_text), 'D');
--> statement-breakpoint
CREATE FUNCTION articles_search_refresh_bylines(ids integer[]) RETURNS void LANGUAGE sql AS $$
  UPDATE articles_search s
    SET bylines = setweight(to_tsvector('dateline_search'::regconfig, coalesce((
      SELECT string_agg(au.name, ' ' ORDER BY aa.position)
        FROM article_authors aa JOIN authors au ON au.id = aa.author_id
        WHERE aa.article_id = s.article_id), '')), 'C')
    WHERE s.article_id = ANY (ids)
$$;
--> statement-breakpoint
INSERT INTO articles_search (article_id, content)
  SELECT id, articles_search_content(headline, standfirst, body_text) FROM articles;
--> statement-breakpoint
SELECT articles_search_refresh_bylines(array(SELECT id FROM articles));
--> statement-breakpoint
-- Statement-level triggers with transition tables: a statement that writes many rows (an
-- article's three bylines, an author on 5,000 articles) refreshes each article once.
CREATE FUNCTION articles_search_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO articles_search (article_id, content)
    SELECT id, articles_search_content(headline, standfirst, body_text) FROM new_rows;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER articles_search_insert AFTER INSERT ON articles
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_search_on_insert();
--> statement-breakpoint
-- Transition tables rule out `UPDATE OF <columns>`, so the text columns are compared here.
CREATE FUNCTION articles_search_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE articles_search s
    SET content = articles_search_content(n.headline, n.standfirst, n.body_text)
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE s.article_id = n.id
      AND (n.headline, n.standfirst, n.body_text) IS DISTINCT FROM (o.headline, o.standfirst, o.body_text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER articles_search_update AFTER UPDATE ON articles
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_search_on_update();
--> statement-breakpoint
CREATE FUNCTION article_authors_search_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM articles_search_refresh_bylines(array(SELECT DISTINCT article_id FROM new_rows));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION article_authors_search_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM articles_search_refresh_bylines(array(SELECT DISTINCT article_id FROM old_rows));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION article_authors_search_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM articles_search_refresh_bylines(array(
    SELECT article_id FROM new_rows UNION SELECT article_id FROM old_rows));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER article_authors_search_insert AFTER INSERT ON article_authors
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION article_authors_search_on_insert();
--> statement-breakpoint
CREATE TRIGGER article_authors_search_delete AFTER DELETE ON article_authors
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION article_authors_search_on_delete();
--> statement-breakpoint
CREATE TRIGGER article_authors_search_update AFTER UPDATE ON article_authors
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION article_authors_search_on_update();
--> statement-breakpoint
CREATE FUNCTION authors_search_on_rename() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM articles_search_refresh_bylines(array(
    SELECT DISTINCT aa.article_id
      FROM new_rows n JOIN old_rows o ON o.id = n.id
      JOIN article_authors aa ON aa.author_id = n.id
      WHERE n.name IS DISTINCT FROM o.name));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER authors_search_rename AFTER UPDATE ON authors
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authors_search_on_rename();
