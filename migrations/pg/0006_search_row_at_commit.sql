-- An article's search row is built once, at COMMIT, from the article and its bylines as
-- they stand then. Until now it was inserted with the article (headline, standfirst, body)
-- and rewritten when the bylines went in a statement later: every word of a new article
-- entered the GIN index twice (a new row version carries its whole document), ~13 % of
-- the server's CPU per create. A deferred constraint trigger runs after every statement of
-- the transaction, so the bylines are there; an edit, a byline change or a delete of the
-- article in the same transaction finds no search row yet (those triggers are no-ops) and
-- the row built at COMMIT reads what the transaction left. Rows stored before this
-- migration are already what this builds: nothing to redo.

-- PL/pgSQL, not SQL: its statements are planned once per connection. A SQL function that
-- holds a subquery is neither inlined nor cached, and planning it again on every call cost
-- more than indexing the names.
CREATE FUNCTION articles_search_bylines(article integer) RETURNS tsvector LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  RETURN setweight(to_tsvector('dateline_search'::regconfig, dateline_search_text(coalesce((
    SELECT string_agg(au.name, ' ' ORDER BY aa.position)
      FROM article_authors aa JOIN authors au ON au.id = aa.author_id
      WHERE aa.article_id = article), ''))), 'C');
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION articles_search_refresh_bylines(ids integer[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE articles_search s SET bylines = articles_search_bylines(s.article_id) WHERE s.article_id = ANY (ids);
END $$;
--> statement-breakpoint
-- Reads the article by id, not NEW: NEW is the row as inserted, and a later statement of
-- the transaction may have changed it (or deleted it: then nothing is built). A row already
-- there (none is expected) is brought up to date rather than failing the commit.
CREATE FUNCTION articles_search_build() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO articles_search (article_id, content, bylines)
    SELECT a.id, articles_search_content(a.headline, a.standfirst, a.body_text), articles_search_bylines(a.id)
      FROM articles a WHERE a.id = NEW.id
    ON CONFLICT (article_id) DO UPDATE SET content = excluded.content, bylines = excluded.bylines;
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER articles_search_insert ON articles;
--> statement-breakpoint
DROP FUNCTION articles_search_on_insert();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER articles_search_insert AFTER INSERT ON articles
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION articles_search_build();
