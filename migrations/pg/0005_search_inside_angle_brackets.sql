-- Search finds text inside `<…>`, as SQLite's FTS5 does. PostgreSQL's text search parser
-- reads `<Reuters>` or `<urgent story here>` as an XML tag and drops it from the tsvector and
-- from ts_headline's output, so a word written between angle brackets could never be found.
-- A unit separator (U+001F, which the parser takes for a blank) after every `<` keeps it
-- from seeing a tag and keeps the `<` itself; the snippet strips the separator again
-- (src/db/pg/search.ts). IMMUTABLE, as the index function that calls it must be.
CREATE FUNCTION dateline_search_text(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN replace($1, '<', '<' || chr(31));
--> statement-breakpoint
CREATE OR REPLACE FUNCTION articles_search_content(headline text, standfirst text, body_text text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN setweight(to_tsvector('dateline_search'::regconfig, dateline_search_text(headline)), 'A')
      || setweight(to_tsvector('dateline_search'::regconfig, dateline_search_text(coalesce(standfirst, ''))), 'B')
      || setweight(to_tsvector('dateline_search'::regconfig, dateline_search_text(body_text)), 'D');
--> statement-breakpoint
CREATE OR REPLACE FUNCTION articles_search_refresh_bylines(ids integer[]) RETURNS void LANGUAGE sql AS $$
  UPDATE articles_search s
    SET bylines = setweight(to_tsvector('dateline_search'::regconfig, dateline_search_text(coalesce((
      SELECT string_agg(au.name, ' ' ORDER BY aa.position)
        FROM article_authors aa JOIN authors au ON au.id = aa.author_id
        WHERE aa.article_id = s.article_id), ''))), 'C')
    WHERE s.article_id = ANY (ids)
$$;
--> statement-breakpoint
-- Articles stored before this migration: only those with a `<` can index differently.
UPDATE articles_search s
  SET content = articles_search_content(a.headline, a.standfirst, a.body_text)
  FROM articles a
  WHERE a.id = s.article_id AND concat(a.headline, a.standfirst, a.body_text) LIKE '%<%';
--> statement-breakpoint
SELECT articles_search_refresh_bylines(array(
  SELECT aa.article_id FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE au.name LIKE '%<%'));
